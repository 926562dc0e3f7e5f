/// Request latencies (milliseconds) since the edge last took them, for ZooKeeper's
/// `readlatency` and `updatelatency` histograms: reads answered here, and writes this
/// server's clients sent, from arrival to reply. At most `countMax` of each wait; past it
/// samples are dropped and counted, so a node nobody takes them from holds a bounded few.
public struct LatencySamples: Sendable, Equatable {
    public static let countMax = 4096
    public private(set) var reads: [Int64] = []
    public private(set) var updates: [Int64] = []
    /// Samples dropped at the bound since the last take.
    public private(set) var dropped = 0

    public init() {}

    public var isEmpty: Bool { reads.isEmpty && updates.isEmpty && dropped == 0 }

    mutating func add(_ latency: Int64, update: Bool) {
        if update {
            guard updates.count < Self.countMax else {
                dropped += 1
                return
            }
            updates.append(latency)
        } else {
            guard reads.count < Self.countMax else {
                dropped += 1
                return
            }
            reads.append(latency)
        }
    }
}
