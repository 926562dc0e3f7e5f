import KeeperNode
import NIOCore
import Zab

/// Times what ZooKeeper reports as `proposal_latency` (on the leader: a transaction handed
/// to the log until applied, so committed by a quorum), `commit_propagation_latency` (on a
/// follower: a proposal received until its commit is applied) and `election_time` (from
/// LOOKING until following or leading, each entry into LOOKING counted in
/// `looking_count`). It watches what the node asks of the edge — the entries it persists,
/// the role it reports, the zxid it applied — so the node itself reads no clock.
///
/// At most `pendingMax` transactions are timed at once; past it the oldest are forgotten
/// (a follower far behind is in sync, not in steady replication), and the memory they held
/// is given back.
struct ReplicationTimer {
    static let pendingMax = 65_536

    private let metrics: KeeperMetrics
    private var role: ZabRole?
    private var lookingSince: NIODeadline?
    /// Zxids handed to the log and not yet applied, oldest first, with when.
    private var pending: [(zxid: Int64, at: NIODeadline)] = []
    private var head = 0

    init(metrics: KeeperMetrics) {
        self.metrics = metrics
    }

    mutating func roleChanged(_ role: ZabRole, at now: NIODeadline) {
        self.role = role
        forget()
        switch role {
        case .looking:
            guard lookingSince == nil else { return }
            lookingSince = now
            metrics.lookingCount.increment()
        case .following, .leading:
            guard let since = lookingSince else { return }
            lookingSince = nil
            metrics.electionTime.record(Self.milliseconds(now - since))
        }
    }

    mutating func persisting(_ entries: [ZabEntry], at now: NIODeadline) {
        guard isReplicating else { return }
        for entry in entries { pending.append((entry.zxid, now)) }
        if pending.count - head > Self.pendingMax { head = pending.count - Self.pendingMax }
        compact()
    }

    /// Nothing is being timed: `applied` has nothing to do.
    var isIdle: Bool { head >= pending.count }

    mutating func applied(through zxid: Int64, at now: NIODeadline) {
        guard head < pending.count, pending[head].zxid <= zxid else { return }
        let histogram = isLeading ? metrics.proposalLatency : metrics.commitPropagationLatency
        while head < pending.count, pending[head].zxid <= zxid {
            histogram.record(Self.milliseconds(now - pending[head].at))
            head += 1
        }
        if head == pending.count { forget() } else { compact() }
    }

    /// Drops the entries already timed once they are many.
    private mutating func compact() {
        guard head > 4096 else { return }
        pending.removeFirst(head)
        head = 0
    }

    /// Nothing is timed any more; a large array is let go.
    private mutating func forget() {
        pending.removeAll(keepingCapacity: pending.capacity <= 4096)
        head = 0
    }

    private var isReplicating: Bool {
        switch role {
        case .leading(_, true), .following(_, true): return true
        default: return false
        }
    }

    private var isLeading: Bool {
        if case .leading = role { return true }
        return false
    }

    private static func milliseconds(_ amount: TimeAmount) -> Double {
        Double(amount.nanoseconds) / 1_000_000
    }
}
