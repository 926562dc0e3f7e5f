/// The accepted history a peer holds in memory: every entry after `base` (the last zxid of
/// the state below the window, a snapshot or entries trimmed away), in zxid order, and how
/// far it has been delivered. Entries not yet delivered are never trimmed, so a peer can
/// always deliver what it accepted; delivered ones are kept, up to a bound, to sync
/// followers with a DIFF instead of a snapshot.
struct History: Sendable {
    private(set) var entries: [ZabEntry] = []
    /// The zxid just below the window (0 for the beginning of time).
    private(set) var base: Int64
    private(set) var delivered: Int64

    init(base: Int64, entries: [ZabEntry] = []) {
        self.base = base
        self.delivered = base
        for entry in entries { append(entry) }
    }

    var lastZxid: Int64 { entries.last?.zxid ?? base }

    mutating func append(_ entry: ZabEntry) {
        precondition(entry.zxid > lastZxid, "append of zxid \(Zxid.hex(entry.zxid)) after \(Zxid.hex(lastZxid))")
        entries.append(entry)
    }

    /// The index of the first entry with zxid > `zxid`.
    private func index(after zxid: Int64) -> Int {
        var low = 0
        var high = entries.count
        while low < high {
            let mid = (low + high) / 2
            if entries[mid].zxid <= zxid { low = mid + 1 } else { high = mid }
        }
        return low
    }

    /// How many entries come after `zxid`: exact when `zxid` is within the window; for a
    /// `zxid` below it, every entry of the window (a lower bound).
    func count(after zxid: Int64) -> Int {
        zxid >= base ? entries.count - index(after: zxid) : entries.count
    }

    func entries(after zxid: Int64, through end: Int64 = .max) -> [ZabEntry] {
        let start = index(after: zxid)
        let stop = index(after: end)
        return start < stop ? Array(entries[start..<stop]) : []
    }

    /// The largest zxid of the history at or below `zxid`; nil when the window does not
    /// reach back that far.
    func largest(atMost zxid: Int64) -> Int64? {
        guard zxid >= base else { return nil }
        let i = index(after: zxid)
        return i == 0 ? base : entries[i - 1].zxid
    }

    /// Drops entries after `zxid`; they were never committed.
    mutating func truncate(after zxid: Int64) {
        precondition(zxid >= delivered, "truncate after \(Zxid.hex(zxid)) below delivered \(Zxid.hex(delivered))")
        entries.removeSubrange(index(after: zxid)...)
    }

    /// Replaces everything with state at `zxid` (a snapshot from the leader).
    mutating func reset(to zxid: Int64) {
        entries = []
        base = zxid
        delivered = zxid
    }

    /// Marks entries up to `zxid` delivered and returns them.
    mutating func deliver(through zxid: Int64) -> [ZabEntry] {
        guard zxid > delivered else { return [] }
        let due = entries(after: delivered, through: zxid)
        precondition(
            due.last?.zxid == zxid, "deliver through \(Zxid.hex(zxid)) but history ends at \(Zxid.hex(lastZxid))")
        delivered = zxid
        return due
    }

    /// Forgets the oldest delivered entries beyond `max`.
    mutating func trim(keeping max: Int) {
        guard entries.count > max else { return }
        let deliveredCount = index(after: delivered)
        let drop = min(entries.count - max, deliveredCount)
        guard drop > 0 else { return }
        base = entries[drop - 1].zxid
        entries.removeFirst(drop)
    }
}
