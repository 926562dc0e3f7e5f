struct FollowerState: Sendable {
    enum Phase: Sendable, Equatable {
        /// Waiting for the channel to the leader, or for LEADERINFO.
        case connecting
        /// Acknowledged the epoch; waiting for the sync and NEWLEADER.
        case syncing
        /// Acknowledged NEWLEADER; waiting for UPTODATE.
        case synced
        case broadcast
    }
    var leader: PeerID
    var round: Int64
    var electedZxid: Int64
    var electedEpoch: Int64
    var phase: Phase = .connecting
    var newEpoch: Int64 = 0
    var lastHeard: Int64
    /// NEWLEADER arrived: acknowledge it once the log is on disk up to here.
    var newLeaderAckAt: Int64?
    var historyEnd: Int64 = 0
    /// Proposals to acknowledge once on disk, in order.
    var ackQueue: [Int64] = []
    /// The highest COMMIT seen before UPTODATE.
    var pendingCommit: Int64 = 0
}

/// The follower's side: discovery, applying the leader's sync, acknowledging proposals
/// after they are on disk, delivering on COMMIT.
extension ZabPeer {
    mutating func startFollowing(_ leader: PeerID, round: Int64, electedZxid: Int64, electedEpoch: Int64) {
        role = .following(
            FollowerState(
                leader: leader, round: round, electedZxid: electedZxid, electedEpoch: electedEpoch, lastHeard: now))
        announce()
        if connected.contains(leader) { sendFollowerInfo() }
    }

    mutating func sendFollowerInfo() {
        guard case .following(let follower) = role else { return }
        send(.followerInfo(acceptedEpoch: acceptedEpoch, lastZxid: history.lastZxid), to: follower.leader)
    }

    mutating func followerReceived(_ from: PeerID, _ message: ZabMessage) {
        guard case .following(var follower) = role, from == follower.leader else { return }
        // What the servers above exchange says nothing of the leader's ZAB session: only
        // its own messages (sync, proposals, commits, pings) keep the follower with it.
        if case .app = message {
        } else {
            follower.lastHeard = now
            role = .following(follower)
        }
        switch message {
        case .leaderInfo(let epoch):
            onLeaderInfo(epoch)
        case .sync(let sync):
            onSync(sync)
        case .newLeader(let epoch, let historyEnd):
            follower.newEpoch = epoch
            follower.historyEnd = historyEnd
            follower.newLeaderAckAt = history.lastZxid
            follower.phase = .synced
            role = .following(follower)
            followerPersisted()
        case .upToDate:
            guard follower.phase == .synced, follower.newLeaderAckAt == nil else {
                return startLooking("UPTODATE from \(from) before NEWLEADER was acknowledged")
            }
            follower.phase = .broadcast
            role = .following(follower)
            deliver(through: max(follower.historyEnd, min(follower.pendingCommit, history.lastZxid)))
            actions.append(
                .notice("following \(from) in epoch \(currentEpoch), up to date at \(Zxid.hex(history.delivered))"))
            announce()
        case .proposal(let entry):
            guard follower.phase != .connecting, entry.zxid > history.lastZxid else {
                return startLooking("proposal \(Zxid.hex(entry.zxid)) out of order after \(Zxid.hex(history.lastZxid))")
            }
            guard follower.ackQueue.count < config.unsyncedProposalsMax else {
                return startLooking(
                    "\(follower.ackQueue.count) proposals are not on disk yet (unsyncedProposalsMax): the disk cannot keep up"
                )
            }
            history.append(entry)
            follower.ackQueue.append(entry.zxid)
            role = .following(follower)
            actions.append(.persist([entry]))
        case .commit(let zxid):
            if follower.phase == .broadcast {
                guard zxid <= history.lastZxid else {
                    return startLooking(
                        "commit of \(Zxid.hex(zxid)) beyond the history at \(Zxid.hex(history.lastZxid))")
                }
                deliver(through: zxid)
            } else {
                follower.pendingCommit = max(follower.pendingCommit, zxid)
                role = .following(follower)
            }
        case .ping:
            send(.ping, to: from)
        case .app:
            break
        default:
            actions.append(.notice("follower ignored an unexpected message from \(from)"))
        }
    }

    private mutating func onLeaderInfo(_ epoch: Int64) {
        guard case .following(var follower) = role, follower.phase == .connecting else { return }
        if epoch < acceptedEpoch {
            return startLooking("leader proposed epoch \(epoch), below our accepted epoch \(acceptedEpoch)")
        }
        // An epoch is acknowledged once: asked again for the epoch we already accepted (a
        // leader that restarted its discovery), we answer -1, which the leader does not
        // count toward its quorum, as ZooKeeper's Learner does.
        let answer = epoch > acceptedEpoch ? currentEpoch : -1
        if epoch > acceptedEpoch { saveEpochs(accepted: epoch) }
        follower.newEpoch = epoch
        follower.phase = .syncing
        role = .following(follower)
        send(.ackEpoch(currentEpoch: answer, lastZxid: history.lastZxid), to: follower.leader)
    }

    /// Makes our history the leader's: truncate, or take its snapshot, then append. Each
    /// goes to the disk in this order; NEWLEADER is acknowledged once all of it is there.
    private mutating func onSync(_ sync: ZabMessage.Sync) {
        guard case .following(let follower) = role, follower.phase == .syncing else { return }
        if let snapshot = sync.snapshot {
            history.reset(to: sync.snapshotZxid)
            cutLog(.installSnapshot(snapshot, zxid: sync.snapshotZxid), at: sync.snapshotZxid)
        } else if let point = sync.truncateAfter {
            history.truncate(after: point)
            cutLog(.truncateLog(after: point), at: point)
        }
        for entry in sync.entries { history.append(entry) }
        if !sync.entries.isEmpty { actions.append(.persist(sync.entries)) }
    }

    /// Acknowledges what is now on disk: NEWLEADER (after saving the new epoch) once the
    /// whole synced history is, cuts included, then each proposal.
    mutating func followerPersisted() {
        guard case .following(var follower) = role else { return }
        if let at = follower.newLeaderAckAt, disk.isSettled, persisted >= at {
            follower.newLeaderAckAt = nil
            role = .following(follower)
            saveEpochs(current: follower.newEpoch)
            send(.ackNewLeader(epoch: follower.newEpoch), to: follower.leader)
        }
        guard follower.newLeaderAckAt == nil else { return }
        // One ACK for the newest proposal on disk: the leader counts an ACK as covering
        // every proposal before it, so a synced batch costs one message, not one each.
        let synced = follower.ackQueue.prefix { $0 <= persisted }
        if let newest = synced.last {
            follower.ackQueue.removeFirst(synced.count)
            send(.ack(zxid: newest), to: follower.leader)
        }
        role = .following(follower)
    }

    /// A follower that does not hear from its leader goes back to election.
    mutating func followerTick() {
        guard case .following(let follower) = role else { return }
        if follower.phase == .connecting && connected.contains(follower.leader) { sendFollowerInfo() }
        let limit = (follower.phase == .broadcast ? config.syncLimit : config.initLimit) * config.tickTime
        if now - follower.lastHeard > limit {
            startLooking("no word from leader \(follower.leader) for \(limit) ms")
        }
    }
}
