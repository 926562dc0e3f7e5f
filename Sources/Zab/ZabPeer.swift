/// One peer of a ZAB ensemble as a pure state machine: events in (`step`), actions out.
///
/// It implements the protocol of Junqueira, Reed and Serafini ("Zab: High-performance
/// broadcast for primary-backup systems", DSN 2011) the way ZooKeeper does: fast leader
/// election on (epoch, last zxid, id); discovery, where the prospective leader picks an
/// epoch above every accepted epoch of a quorum; synchronisation, where each follower's
/// history becomes the leader's by DIFF, TRUNC then DIFF, or a snapshot, and the leader is
/// established once a quorum acknowledged NEWLEADER; and broadcast, where a proposal is
/// committed once a quorum has it on disk, and entries are delivered in zxid order.
///
/// Departures from the paper, as in ZooKeeper: the history a follower holds is synced
/// from a window of recent entries or a snapshot of the state above ZAB, rather than sent
/// whole; a follower that is ahead of the new leader is truncated instead of refused.
/// Entries are delivered only once committed, so a restarted peer holds its log tail as
/// accepted-but-undelivered history until a leader says how much of it is committed.
public struct ZabPeer: Sendable {
    public let config: ZabConfig
    public private(set) var acceptedEpoch: Int64
    public private(set) var currentEpoch: Int64
    var history: History
    var role: Role = .looking(Election())
    /// FLE's logical clock: one more for every election this peer starts.
    var electionRound: Int64 = 0
    var connected: Set<PeerID> = []
    var now: Int64 = 0
    /// What of the history is on disk.
    var disk: DiskProgress
    /// Every entry of the history up to here is on disk.
    var persisted: Int64 { disk.durable }
    var actions: [ZabAction] = []

    enum Role: Sendable {
        case looking(Election)
        case following(FollowerState)
        case leading(LeaderState)
    }

    /// A peer starting from what its disk holds: the epochs, the zxid its recovered state
    /// stands at, and the logged entries after it (accepted, not known to be committed).
    public init(
        config: ZabConfig, acceptedEpoch: Int64, currentEpoch: Int64, stateZxid: Int64, log: [ZabEntry], now: Int64
    ) {
        precondition(config.voters.contains(config.id), "peer \(config.id) is not among the voters \(config.voters)")
        self.config = config
        self.acceptedEpoch = acceptedEpoch
        self.currentEpoch = currentEpoch
        self.history = History(base: stateZxid, entries: log)
        self.disk = DiskProgress(durable: history.lastZxid)
        self.now = now
    }

    // MARK: - What the servers above ask

    public var lastZxid: Int64 { history.lastZxid }
    public var lastDelivered: Int64 { history.delivered }

    public var currentRole: ZabRole {
        switch role {
        case .looking: return .looking
        case .following(let f): return .following(leader: f.leader, serving: f.phase == .broadcast)
        case .leading(let l): return .leading(epoch: l.epoch, established: l.established)
        }
    }

    /// Whether this peer may take a new proposal now.
    public var canPropose: Bool {
        if case .leading(let leader) = role { return leader.established }
        return false
    }

    /// The zxid the next proposal will get: the next counter in the leader's epoch (its
    /// first proposal is counter 1).
    public var nextZxid: Int64 {
        guard case .leading(let leader) = role else { return 0 }
        let last = history.lastZxid
        return Zxid.epoch(last) == leader.epoch ? last + 1 : Zxid.make(epoch: leader.epoch, counter: 1)
    }

    /// Followers the leader hears from, with how far each has acknowledged.
    /// On a leader: each follower, the last zxid it acknowledged, whether it is in sync, and
    /// how many transactions of the leader's history come after what it acknowledged (its
    /// lag, counted in the history, so right across epochs; a lower bound when it acknowledged
    /// less than the history in memory reaches back to).
    public var followerProgress: [(id: PeerID, acked: Int64, synced: Bool, behind: Int)] {
        guard case .leading(let leader) = role else { return [] }
        return leader.followers.keys.sorted().map { id in
            let f = leader.followers[id]!
            return (id, f.acked, f.phase == .active, history.count(after: f.acked))
        }
    }

    // MARK: - Stepping

    public mutating func step(_ event: ZabEvent, at time: Int64) -> [ZabAction] {
        now = time
        switch event {
        case .tick: onTick()
        case .received(let from, let message): onReceived(from, message)
        case .connected(let peer): onConnected(peer)
        case .disconnected(let peer): onDisconnected(peer)
        case .persisted(let zxid): onPersisted(zxid)
        case .truncated(let zxid): onCutDone(at: zxid)
        case .snapshotInstalled(let zxid): onCutDone(at: zxid)
        case .syncRejected(let leader, let reason): onSyncRejected(from: leader, reason)
        }
        return takeActions()
    }

    /// A leader's new proposal: the caller built `payload` for `nextZxid`. Nil when the
    /// epoch's zxid counter is exhausted: the peer then stops leading (see the actions) and
    /// the proposal is not made.
    public mutating func propose(_ payload: [UInt8], at time: Int64) -> (Int64?, [ZabAction]) {
        now = time
        guard case .leading(let leader) = role, leader.established else {
            preconditionFailure("propose while not an established leader: \(currentRole)")
        }
        guard Zxid.counter(nextZxid) < Zxid.counterExhausted else {
            startLooking("the zxid counter of epoch \(leader.epoch) is exhausted; a new epoch starts it again")
            return (nil, takeActions())
        }
        let entry = ZabEntry(zxid: nextZxid, payload: payload)
        history.append(entry)
        actions.append(.persist([entry]))
        for (id, follower) in leader.followers.sorted(by: { $0.key < $1.key }) where follower.phase != .discovery {
            actions.append(.send(to: id, .proposal(entry)))
        }
        role = .leading(leader)
        return (entry.zxid, takeActions())
    }

    private mutating func takeActions() -> [ZabAction] {
        let result = actions
        actions = []
        return result
    }

    /// Sends an application message to a peer over the ZAB channel (FIFO with proposals).
    public mutating func sendApp(_ bytes: [UInt8], to peer: PeerID) -> [ZabAction] {
        [.send(to: peer, .app(bytes))]
    }

    // MARK: - Events

    private mutating func onTick() {
        switch role {
        case .looking: electionTick()
        case .following: followerTick()
        case .leading: leaderTick()
        }
    }

    private mutating func onReceived(_ from: PeerID, _ message: ZabMessage) {
        guard config.voters.contains(from) else {
            actions.append(.notice("ignored a message from \(from), which is not a voter"))
            return
        }
        if case .vote(let vote) = message { return onVote(vote, from: from) }
        switch role {
        case .looking: break
        case .following: followerReceived(from, message)
        case .leading: leaderReceived(from, message)
        }
    }

    private mutating func onConnected(_ peer: PeerID) {
        connected.insert(peer)
        switch role {
        case .looking(let election): actions.append(.send(to: peer, .vote(election.vote)))
        case .following(let follower) where follower.leader == peer && follower.phase == .connecting: sendFollowerInfo()
        default: break
        }
    }

    private mutating func onDisconnected(_ peer: PeerID) {
        connected.remove(peer)
        switch role {
        case .following(let follower) where follower.leader == peer:
            startLooking("lost the connection to leader \(peer)")
        case .leading(var leader):
            leader.followers[peer] = nil
            role = .leading(leader)
        default: break
        }
    }

    private mutating func onPersisted(_ zxid: Int64) {
        guard disk.appended(upTo: zxid) else { return }
        onDurable()
    }

    private mutating func onCutDone(at zxid: Int64) {
        disk.cutDone(at: zxid)
        onDurable()
    }

    /// More of the history is on disk: acknowledge, count ourselves, commit.
    private mutating func onDurable() {
        switch role {
        case .following: followerPersisted()
        case .leading: leaderPersisted()
        case .looking: break
        }
    }

    private mutating func onSyncRejected(from leader: PeerID, _ reason: String) {
        guard case .following(let follower) = role, follower.leader == leader else { return }
        startLooking("could not take the sync from leader \(leader): \(reason)")
    }

    // MARK: - Shared

    mutating func send(_ message: ZabMessage, to peer: PeerID) {
        actions.append(.send(to: peer, message))
    }

    mutating func saveEpochs(accepted: Int64? = nil, current: Int64? = nil) {
        if let accepted { acceptedEpoch = accepted }
        if let current { currentEpoch = current }
        actions.append(.saveEpochs(accepted: acceptedEpoch, current: currentEpoch))
    }

    /// Asks the disk to cut the log (or replace it with a snapshot) so it ends at `point`.
    mutating func cutLog(_ action: ZabAction, at point: Int64) {
        disk.cutAsked(at: point)
        actions.append(action)
    }

    mutating func deliver(through zxid: Int64) {
        let due = history.deliver(through: zxid)
        if !due.isEmpty { actions.append(.deliver(due)) }
        history.trim(keeping: config.historyWindowMax)
    }

    mutating func announce() { actions.append(.role(currentRole)) }
}
