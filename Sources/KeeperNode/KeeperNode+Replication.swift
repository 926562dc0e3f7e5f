import KeeperCore
import KeeperProtocol
import Zab

/// The node's side of the ensemble: it drives its ZAB peer, applies what ZAB delivers,
/// answers its followers' requests when it leads, and hands its clients' writes to the
/// leader when it follows.
extension KeeperNode {
    mutating func stepZab(_ event: ZabEvent) {
        guard zab != nil else { return }
        perform(zab!.step(event, at: now.monotonic))
    }

    mutating func onPeerMessage(_ peer: PeerID, _ message: ZabMessage) {
        if case .sync(let sync) = message, let snapshot = sync.snapshot {
            return onSnapshotSync(sync, snapshot, from: peer)
        }
        guard case .app(let bytes) = message else { return stepZab(.received(from: peer, message)) }
        // ZAB keeps its own bookkeeping (the leader's liveness view) for app messages too.
        stepZab(.received(from: peer, message))
        do {
            onPeerRequest(try PeerRequest.decode(bytes), from: peer)
        } catch {
            notice(.warning("dropped a malformed request from server \(peer): \(error)"))
        }
    }

    /// A sync that carries the leader's snapshot: decoded before ZAB takes it, so that one
    /// that does not decode leaves ZAB's history as it was and sends the peer back to an
    /// election, instead of ZAB moving on to a state this server never took.
    private mutating func onSnapshotSync(_ sync: ZabMessage.Sync, _ snapshot: [UInt8], from peer: PeerID) {
        do {
            incomingSnapshot = try SnapshotCodec.decode(snapshot, zxid: sync.snapshotZxid)
        } catch {
            notice(.warning("the snapshot leader \(peer) sent does not decode (\(error)); going back to election"))
            return stepZab(.syncRejected(from: peer, reason: "its snapshot does not decode: \(error)"))
        }
        stepZab(.received(from: peer, .sync(sync)))
        incomingSnapshot = nil
    }

    /// What a follower asks: only an established leader answers, and only for sessions its
    /// table holds open.
    private mutating func onPeerRequest(_ request: PeerRequest, from peer: PeerID) {
        switch request {
        case .syncReply(let token):
            guard let id = syncWaits.removeValue(forKey: token) else { return }
            connections[id]?.answeredSyncs.insert(token)
            drain(id)
        case .revalidateReply(let token, let valid):
            guard let id = revalidations.removeValue(forKey: token) else { return }
            revalidated(id, valid: valid)
        default:
            guard zab?.canPropose == true else { return }
            onFollowerRequest(request, from: peer)
        }
    }

    private mutating func onFollowerRequest(_ request: PeerRequest, from peer: PeerID) {
        switch request {
        case .forward(let session, let cxid, let ids, let request):
            // A session that is closing or gone takes no more writes: an ephemeral node
            // created now would outlive its session (ZOOKEEPER-1208).
            guard sessions.touch(session, now: now.monotonic) else {
                return propose(.error(.sessionExpired), session: session, cxid: cxid)
            }
            propose(prepareWrite(request, session: session, ids: ids), session: session, cxid: cxid)
        case .createSession(let session, let timeout):
            propose(.createSession(timeout: timeout), session: session, cxid: 0)
        case .touch(let touched):
            for session in touched { _ = sessions.touch(session, now: now.monotonic) }
        case .syncRequest(let token):
            // Everything this leader committed before now is already on its way to the
            // follower, ahead of this answer in the same channel.
            replyToFollower(peer, .syncReply(token: token))
        case .revalidate(let session, let token):
            replyToFollower(peer, .revalidateReply(token: token, valid: sessions.touch(session, now: now.monotonic)))
        case .syncReply, .revalidateReply:
            break
        }
    }

    private mutating func replyToFollower(_ peer: PeerID, _ reply: PeerRequest) {
        actions.append(.sendPeer(peer, .app(reply.encoded())))
    }

    mutating func sendToLeader(_ request: PeerRequest) {
        guard case .following(let leader, _)? = zab?.currentRole else { return }
        actions.append(.sendPeer(leader, .app(request.encoded())))
    }

    /// Carries out what the ZAB peer asked, in order.
    mutating func perform(_ zabActions: [ZabAction]) {
        for action in zabActions {
            switch action {
            case .send(let peer, let message):
                actions.append(.sendPeer(peer, message))
            case .persist(let entries):
                toPersist.append(contentsOf: entries)
            case .saveEpochs(let accepted, let current):
                actions.append(.saveEpochs(accepted: accepted, current: current))
            case .truncateLog(let zxid):
                actions.append(.truncateLog(after: zxid))
            case .installSnapshot(let bytes, let zxid):
                installSnapshot(bytes, zxid: zxid)
            case .disconnect(let peer):
                actions.append(.disconnectPeer(peer))
            case .deliver(let entries):
                for entry in entries { deliverEntry(entry) }
            case .role(let role):
                onRole(role)
            case .sendSnapshot(let peer, let delivered, let entries):
                precondition(
                    tree.lastProcessedZxid == delivered,
                    "snapshot for \(peer) at \(delivered) but the tree is at \(tree.lastProcessedZxid)")
                let state = SnapshotCodec.encode(SnapshotContents(tree: tree, sessions: sessionTimeouts))
                actions.append(
                    .sendPeer(peer, .sync(.init(snapshot: state, snapshotZxid: delivered, entries: entries))))
            case .notice(let text):
                notice(.info(text))
            }
        }
    }

    private mutating func deliverEntry(_ entry: ZabEntry) {
        do {
            applyCommitted(try TxnEntry.decode(entry.payload))
        } catch {
            // A committed entry this server cannot read: applying anything after it would
            // make this replica diverge.
            preconditionFailure("committed entry \(Zxid.hex(entry.zxid)) does not decode: \(error)")
        }
    }

    /// The leader's state replaces ours.
    /// Takes the leader's snapshot, which `onSnapshotSync` decoded before ZAB took the sync
    /// that carried it: ZAB asks for an install only while that sync is in hand.
    private mutating func installSnapshot(_ bytes: [UInt8], zxid: Int64) {
        guard let state = incomingSnapshot else {
            preconditionFailure("ZAB installed a snapshot at 0x\(hex(zxid)) that no sync in hand carried")
        }
        incomingSnapshot = nil
        tree = state.tree
        tree.setMembership(config.membership)
        sessions = SessionTable(tickTime: Int64(config.tickTime))
        for (id, timeout) in state.sessions.sorted(by: { $0.key < $1.key }) {
            sessions.add(id, timeout: timeout, now: now.monotonic)
        }
        preparer = Preparer(extendedTypesEnabled: config.extendedTypesEnabled)
        lastProposedZxid = zxid
        actions.append(.installSnapshot(bytes, zxid: zxid))
        notice(.info("took the leader's snapshot at zxid 0x\(hex(zxid)): \(tree.nodeCount) znodes"))
    }

    /// Clients are served only in sync with an established leader: on any other role the
    /// connections close and their clients move to another server, as in ZooKeeper.
    private mutating func onRole(_ role: ZabRole) {
        actions.append(.role(role))
        switch role {
        case .leading(_, true):
            preparer = Preparer(extendedTypesEnabled: config.extendedTypesEnabled)
            lastProposedZxid = tree.lastProcessedZxid
            // From committed state: every session open, with a full timeout from now. One
            // this server marked closing when it led before, whose close never committed,
            // would otherwise never expire here and its ephemerals would live on.
            sessions.restartTimers(now: now.monotonic)
        case .following(_, true):
            sessions.restartTimers(now: now.monotonic)
        default:
            for id in connections.keys.sorted() { close(id) }
            pendingWrites = [:]
            creatingSessions = [:]
            syncWaits = [:]
            revalidations = [:]
            touchedSessions = []
        }
    }
}
