/// How much of a peer's history is on its disk, as far as the peer may rely on it.
///
/// The shell carries out disk work in the order it was asked — appends, cuts of the log
/// (a truncation, or a snapshot install, which also replaces the log's start) — each on
/// the log thread, and reports each when it is durable, in that order. Until a cut is
/// reported, a crash may bring the log back as it was before it; so a cut lowers what is
/// durable at once, and what was appended after it counts only once the cut is done. A
/// follower acknowledges NEWLEADER, a leader counts itself toward its quorum, and a peer
/// votes, only with what this says is durable (ZOOKEEPER-3911, 4643, 4646, 4712).
struct DiskProgress: Sendable {
    /// Every entry of the history up to this zxid is on disk.
    private(set) var durable: Int64
    /// The points cuts were asked at (the zxid the log ends at after each), oldest first,
    /// not yet reported done.
    private(set) var cuts: [Int64] = []

    init(durable: Int64) {
        self.durable = durable
    }

    /// No cut is on its way to the disk.
    var isSettled: Bool { cuts.isEmpty }

    mutating func cutAsked(at point: Int64) {
        cuts.append(point)
        durable = min(durable, point)
    }

    /// The oldest cut is on disk, and with it every append asked before it: the history up
    /// to the point of the next cut still pending (if any) is durable.
    mutating func cutDone(at point: Int64) {
        precondition(
            cuts.first == point,
            "cut at \(Zxid.hex(point)) reported done, but the next pending is \(cuts.first.map(Zxid.hex) ?? "none")")
        cuts.removeFirst()
        durable = max(durable, min(point, cuts.min() ?? .max))
    }

    /// Appends up to `zxid` are on disk; those asked before a pending cut count only up to
    /// the lowest cut point. True if more of the history is durable now.
    mutating func appended(upTo zxid: Int64) -> Bool {
        let reach = min(zxid, cuts.min() ?? .max)
        guard reach > durable else { return false }
        durable = reach
        return true
    }
}
