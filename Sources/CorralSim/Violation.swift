/// A broken guarantee, with the seed, the simulated moment and the events before it, so it
/// can be replayed and read.
public struct Violation: Error, CustomStringConvertible {
    public var seed: UInt64
    public var time: Int64
    public var message: String
    public var recent: [String]

    public init(seed: UInt64, time: Int64, message: String, recent: [String]) {
        self.seed = seed
        self.time = time
        self.message = message
        self.recent = recent
    }

    public var description: String {
        "seed \(seed) at \(time) ms: \(message)\nlast events:\n" + recent.suffix(30).joined(separator: "\n")
    }
}
