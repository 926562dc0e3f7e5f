/// A leader's view of one follower.
struct FollowerTrack: Sendable {
    enum Phase: Sendable, Equatable {
        /// Sent FOLLOWERINFO; waiting for the epoch to be decided or acknowledged.
        case discovery
        /// Sent its sync and NEWLEADER; proposals flow to it; waiting for its NEWLEADER ack.
        case syncing
        /// Acknowledged NEWLEADER and was sent UPTODATE.
        case active
    }
    var phase: Phase = .discovery
    var acceptedEpoch: Int64
    var lastZxid: Int64
    /// The highest zxid it has acknowledged as on its disk.
    var acked: Int64 = 0
    /// The end of the history its sync brought it to, which its NEWLEADER ack confirms.
    var syncEnd: Int64 = 0
    var lastHeard: Int64
}

struct LeaderState: Sendable {
    var round: Int64
    var electedZxid: Int64
    var electedEpoch: Int64
    var startedAt: Int64
    /// The new epoch, once a quorum's accepted epochs are known.
    var epoch: Int64 = 0
    var epochDecided = false
    var currentEpochSaved = false
    var established = false
    var followers: [PeerID: FollowerTrack] = [:]
    /// Followers that acknowledged the new epoch (for the quorum before syncing).
    var epochAcks: Set<PeerID> = []
    /// Followers that answered LEADERINFO, counted or not: each is synced once the epoch holds.
    var epochAnswers: Set<PeerID> = []
    /// Followers that acknowledged NEWLEADER.
    var newLeaderAcks: Set<PeerID> = []
    /// The last zxid of the initial history.
    var historyEnd: Int64 = 0
    var lastPing: Int64 = 0
    var committed: Int64 = 0
}

/// The leader's side of discovery, synchronisation and broadcast.
extension ZabPeer {
    mutating func startLeading(round: Int64, electedZxid: Int64, electedEpoch: Int64) {
        var leader = LeaderState(round: round, electedZxid: electedZxid, electedEpoch: electedEpoch, startedAt: now)
        leader.committed = history.delivered
        role = .leading(leader)
        if config.voters.count == 1 { decideEpoch(&leader) }
        role = .leading(leader)
        announce()
        if config.voters.count == 1 { establishIfQuorum() }
    }

    mutating func leaderReceived(_ from: PeerID, _ message: ZabMessage) {
        guard case .leading(var leader) = role else { return }
        leader.followers[from]?.lastHeard = now
        switch message {
        case .followerInfo(let acceptedEpoch, let lastZxid):
            // A follower repeats FOLLOWERINFO until it hears LEADERINFO; only the first counts.
            if let known = leader.followers[from] {
                if known.phase == .discovery && leader.epochDecided { send(.leaderInfo(epoch: leader.epoch), to: from) }
                role = .leading(leader)
                return
            }
            leader.followers[from] = FollowerTrack(acceptedEpoch: acceptedEpoch, lastZxid: lastZxid, lastHeard: now)
            if leader.epochDecided {
                guard acceptedEpoch <= leader.epoch else {
                    // It accepted a later epoch than ours: we cannot lead it.
                    role = .leading(leader)
                    return startLooking("follower \(from) accepted epoch \(acceptedEpoch), above ours \(leader.epoch)")
                }
                send(.leaderInfo(epoch: leader.epoch), to: from)
            } else {
                let candidates = Set(leader.followers.keys).union([config.id])
                if config.isQuorum(candidates) { decideEpoch(&leader) }
            }
            role = .leading(leader)
        case .ackEpoch(let followerEpoch, let lastZxid):
            guard leader.epochDecided, leader.followers[from] != nil else { return }
            // A leader must hold every committed entry; a follower with a later history means
            // this peer should not lead (ZooKeeper refuses it the same way). A follower that
            // had already accepted this epoch answers -1: it is synced but not counted.
            if followerEpoch != -1, (followerEpoch, lastZxid) > (currentEpoch, history.lastZxid) {
                role = .leading(leader)
                return startLooking(
                    "follower \(from) is ahead (epoch \(followerEpoch), zxid \(Zxid.hex(lastZxid))) of this leader (epoch \(currentEpoch), zxid \(Zxid.hex(history.lastZxid)))"
                )
            }
            leader.followers[from]!.lastZxid = lastZxid
            if followerEpoch != -1 { leader.epochAcks.insert(from) }
            leader.epochAnswers.insert(from)
            role = .leading(leader)
            if leader.currentEpochSaved {
                syncFollower(from)
            } else if config.isQuorum(leader.epochAcks.union([config.id])) {
                saveEpochs(current: leader.epoch)
                leader.currentEpochSaved = true
                leader.historyEnd = history.lastZxid
                role = .leading(leader)
                for id in leader.epochAnswers.sorted() { syncFollower(id) }
            }
        case .ackNewLeader(let epoch):
            guard epoch == leader.epoch, leader.followers[from]?.phase == .syncing else { return }
            leader.newLeaderAcks.insert(from)
            leader.followers[from]!.acked = max(leader.followers[from]!.acked, leader.followers[from]!.syncEnd)
            role = .leading(leader)
            if leader.established {
                activate(from)
            } else {
                establishIfQuorum()
            }
        case .ack(let zxid):
            guard leader.followers[from] != nil else { return }
            leader.followers[from]!.acked = max(leader.followers[from]!.acked, zxid)
            role = .leading(leader)
            leaderAdvanceCommits()
        case .ping, .app:
            role = .leading(leader)
        default:
            role = .leading(leader)
            actions.append(.notice("leader ignored an unexpected message from \(from)"))
        }
    }

    /// The new epoch: above every accepted epoch of the quorum that has reported.
    private mutating func decideEpoch(_ leader: inout LeaderState) {
        let highest = leader.followers.values.map(\.acceptedEpoch).reduce(acceptedEpoch, max)
        leader.epoch = highest + 1
        leader.epochDecided = true
        saveEpochs(accepted: leader.epoch)
        actions.append(.notice("leading: proposing epoch \(leader.epoch) to \(leader.followers.count) followers"))
        for id in leader.followers.keys.sorted() { send(.leaderInfo(epoch: leader.epoch), to: id) }
        if config.voters.count == 1 {
            saveEpochs(current: leader.epoch)
            leader.currentEpochSaved = true
            leader.historyEnd = history.lastZxid
        }
    }

    /// Makes a follower's history the leader's: DIFF when the window covers where it
    /// diverges, TRUNC first when it holds entries the leader does not, a snapshot when it
    /// is behind the window. Then NEWLEADER, then the proposals still outstanding.
    private mutating func syncFollower(_ id: PeerID) {
        guard case .leading(var leader) = role, let follower = leader.followers[id] else { return }
        let end = leader.established ? leader.committed : leader.historyEnd
        // Proposals after `held` are sent one by one; the follower holds what is before.
        var held = end
        if let point = history.largest(atMost: follower.lastZxid) {
            let truncate = point < follower.lastZxid ? point : nil
            send(.sync(.init(truncateAfter: truncate, entries: history.entries(after: point, through: end))), to: id)
            held = max(point, end)
        } else {
            actions.append(
                .sendSnapshot(
                    to: id, delivered: history.delivered,
                    entries: history.entries(after: history.delivered, through: end)))
        }
        send(.newLeader(epoch: leader.epoch, historyEnd: end), to: id)
        for entry in history.entries(after: held) { send(.proposal(entry), to: id) }
        leader.followers[id]!.phase = .syncing
        leader.followers[id]!.acked = 0
        leader.followers[id]!.syncEnd = held
        role = .leading(leader)
    }

    /// A quorum holds the initial history on disk: it is committed; deliver it and serve.
    /// The leader counts itself only once its own copy is on disk.
    private mutating func establishIfQuorum() {
        guard case .leading(var leader) = role, !leader.established, leader.currentEpochSaved else { return }
        let holdsHistory = disk.isSettled && persisted >= leader.historyEnd
        guard config.isQuorum(leader.newLeaderAcks.union(holdsHistory ? [config.id] : [])) else { return }
        leader.established = true
        leader.committed = leader.historyEnd
        role = .leading(leader)
        actions.append(
            .notice(
                "established as leader of epoch \(leader.epoch) with \(leader.newLeaderAcks.sorted()) at \(Zxid.hex(leader.historyEnd))"
            ))
        deliver(through: leader.historyEnd)
        for id in leader.newLeaderAcks.sorted() { activate(id) }
        announce()
    }

    private mutating func activate(_ id: PeerID) {
        guard case .leading(var leader) = role, leader.followers[id] != nil else { return }
        leader.followers[id]!.phase = .active
        role = .leading(leader)
        send(.upToDate, to: id)
    }

    /// More of our history is on disk: it may complete the quorum for the initial history
    /// or for proposals.
    mutating func leaderPersisted() {
        establishIfQuorum()
        leaderAdvanceCommits()
    }

    /// Commits, in order, every proposal a quorum has on disk.
    mutating func leaderAdvanceCommits() {
        guard case .leading(var leader) = role, leader.established else { return }
        var advanced = false
        for entry in history.entries(after: leader.committed) {
            var holders: Set<PeerID> = persisted >= entry.zxid ? [config.id] : []
            for (id, follower) in leader.followers where follower.phase != .discovery && follower.acked >= entry.zxid {
                holders.insert(id)  // a set: the order of this loop does not matter
            }
            guard config.isQuorum(holders) else { break }
            leader.committed = entry.zxid
            advanced = true
        }
        guard advanced else { return }
        role = .leading(leader)
        for (id, follower) in leader.followers.sorted(by: { $0.key < $1.key }) where follower.phase != .discovery {
            send(.commit(zxid: leader.committed), to: id)
        }
        deliver(through: leader.committed)
    }

    /// Pings followers every tick; steps down without a quorum within syncLimit ticks,
    /// or without being established within initLimit ticks.
    mutating func leaderTick() {
        guard case .leading(var leader) = role else { return }
        if !leader.established {
            if now - leader.startedAt > config.initLimit * config.tickTime {
                return startLooking("no quorum synced within initLimit (\(config.initLimit) ticks)")
            }
            return
        }
        if now - leader.lastPing >= config.tickTime / 2 {
            leader.lastPing = now
            for id in leader.followers.keys.sorted() { send(.ping, to: id) }
        }
        let limit = config.syncLimit * config.tickTime
        let alive = Set(leader.followers.filter { $0.value.phase == .active && now - $0.value.lastHeard <= limit }.keys)
        role = .leading(leader)
        if !config.isQuorum(alive.union([config.id])) {
            startLooking("lost the quorum: heard from \(alive.sorted()) within syncLimit (\(config.syncLimit) ticks)")
        }
    }
}
