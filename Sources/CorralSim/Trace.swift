/// What a simulation did, one line per event worth telling: the latest lines are kept for a
/// violation report, and every line is folded into a digest, so two runs of one seed can be
/// compared whole, in one process or across two (where a hash-ordered collection would
/// show up as a different digest).
public struct Trace: Sendable {
    /// Lines kept for a report.
    public static let recentMax = 256
    public private(set) var recent: [String] = []
    public private(set) var count = 0
    /// FNV-1a over every line and its time.
    public private(set) var digest: UInt64 = 0xCBF2_9CE4_8422_2325
    /// Prints each line as it happens (to follow one seed).
    public var printsAll = false

    public init() {}

    public mutating func note(_ text: String, at time: Int64) {
        let line = "\(time) \(text)"
        if printsAll { print(line) }
        for byte in line.utf8 { fold(byte) }
        fold(0x0A)
        count += 1
        recent.append(line)
        if recent.count > Self.recentMax { recent.removeFirst(Self.recentMax / 2) }
    }

    private mutating func fold(_ byte: UInt8) {
        digest = (digest ^ UInt64(byte)) &* 0x100_0000_01B3
    }

    /// The digest and line count as one line, for comparing runs.
    public var summary: String { "\(count) lines, digest \(String(digest, radix: 16))" }
}
