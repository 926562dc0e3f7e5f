import KeeperCore
import KeeperProtocol
import Zab

/// One Keeper server as a pure state machine: client sessions, ZooKeeper's request
/// pipeline (prep → persist → apply → reply), watches and, in an ensemble, a ZAB peer.
/// Events come in through `step`, actions go out as its result; the node never touches a
/// socket, a disk or a clock, so the NIO server and the simulator run the very same code.
///
/// Writes are prepared as soon as they arrive (prep runs ahead against pending changes)
/// and applied in zxid order once committed: standalone, once `.persisted` says they are on
/// disk; in an ensemble, once ZAB delivers them (a quorum has them on disk). A follower
/// hands its clients' writes to the leader and applies what the leader commits. A
/// connection's replies leave in its request order: a read waits behind the connection's
/// own writes, so a client always reads what it wrote. Watch notifications a write causes
/// are sent before that write's reply. Reads are answered from the local tree.
public struct KeeperNode: Sendable {
    public let config: NodeConfig
    public internal(set) var tree = DataTree()
    public internal(set) var watches = WatchRegistry()
    public internal(set) var sessions: SessionTable
    public internal(set) var counters = ServerCounters()
    /// Latencies since the edge last took them (`takeLatencySamples`).
    public internal(set) var latencySamples = LatencySamples()
    var preparer: Preparer
    var sessionIds: SessionIdGenerator
    var connections = ConnectionTable()
    var sessionConnection: [Int64: ConnectionID] = [:]
    /// Requests received and not answered yet, in every connection's queue (ZooKeeper's
    /// requests in process, which globalOutstandingLimit bounds).
    var outstandingRequests = 0
    /// The log's queue is over its bound: connections with requests outstanding are not read.
    var logQueueFull = false
    /// Writes whose reply a local connection waits for, by session and xid.
    var pendingWrites: [SessionXid: ConnectionID] = [:]
    /// New sessions whose createSession a local connection waits for.
    var creatingSessions: [Int64: ConnectionID] = [:]
    /// The ensemble peer; nil for a standalone server.
    var zab: ZabPeer?
    /// Standalone: transactions waiting for `.persisted`.
    var unpersisted = RingQueue<TxnEntry>()
    var lastProposedZxid: Int64 = 0
    /// A follower's sessions with client activity since its last report to the leader.
    var touchedSessions: Set<Int64> = []
    /// Syncs a follower asked the leader for, by token.
    var syncWaits: [Int64: ConnectionID] = [:]
    /// Reconnects a follower asked the leader to revalidate, by token.
    var revalidations: [Int64: ConnectionID] = [:]
    /// Numbers a follower's questions to its leader (syncs, revalidations).
    var nextToken: Int64 = 1
    /// SASL exchanges begun, for their nonces.
    var saslExchanges: UInt64 = 0
    /// The leader's snapshot, decoded before ZAB took the sync that carried it.
    var incomingSnapshot: SnapshotContents?
    var nextReapCheck: Int64
    var now: NodeTime
    var actions: [NodeAction] = []
    var toPersist: [ZabEntry] = []

    struct SessionXid: Hashable, Sendable {
        var session: Int64
        var xid: Int32
    }

    /// A standalone node starting from `tree` and the `sessions` (id and timeout) that were
    /// alive when it was saved; each session gets a full timeout from now to reconnect.
    public init(
        config: NodeConfig, startedAt time: NodeTime, tree: DataTree = DataTree(), sessions: [Int64: Int32] = [:]
    ) {
        self.config = config
        self.now = time
        self.tree = tree
        self.tree.setMembership(config.membership)
        self.watches = WatchRegistry(watchesPerWatcherMax: config.watchesPerSessionMax)
        self.sessions = SessionTable(tickTime: Int64(config.tickTime))
        for (id, timeout) in sessions.sorted(by: { $0.key < $1.key }) {
            self.sessions.add(id, timeout: timeout, now: time.monotonic)
        }
        self.lastProposedZxid = tree.lastProcessedZxid
        self.preparer = Preparer(extendedTypesEnabled: config.extendedTypesEnabled)
        self.sessionIds = SessionIdGenerator(serverId: config.serverId, startTime: time.wall)
        self.nextReapCheck = time.monotonic + config.containerCheckInterval
    }

    /// An ensemble member starting from its last snapshot, the logged entries after it
    /// (accepted, not known to be committed) and its epochs. It serves clients once it leads
    /// an established epoch or follows an established leader.
    public init(
        config: NodeConfig, startedAt time: NodeTime, state: SnapshotContents, log: [ZabEntry],
        zab zabConfig: ZabConfig,
        acceptedEpoch: Int64, currentEpoch: Int64
    ) {
        self.init(config: config, startedAt: time, tree: state.tree, sessions: state.sessions)
        self.zab = ZabPeer(
            config: zabConfig, acceptedEpoch: acceptedEpoch, currentEpoch: currentEpoch, stateZxid: state.zxid,
            log: log,
            now: time.monotonic)
    }

    /// The live sessions with their timeouts, as a snapshot stores them.
    public var sessionTimeouts: [Int64: Int32] {
        sessions.sessions.mapValues(\.timeout)
    }

    /// The role in the ensemble; nil for a standalone server.
    public var role: ZabRole? { zab?.currentRole }

    /// Whether clients are served: always standalone; in an ensemble, once in sync with an
    /// established leader (or being one).
    public var isServing: Bool {
        switch zab?.currentRole {
        case nil: return true
        case .leading(_, let established): return established
        case .following(_, let serving): return serving
        case .looking: return false
        }
    }

    var isLeaderOrStandalone: Bool {
        switch zab?.currentRole {
        case nil, .leading(_, true): return true
        default: return false
        }
    }

    /// Feeds one event in; returns what the shell must do, in order.
    public mutating func step(_ event: NodeEvent, at time: NodeTime) -> [NodeAction] {
        now = time
        switch event {
        case .connected(let id, let address, let subject):
            onConnected(id, address: address, certificateSubject: subject)
        case .handshake(let id, let request):
            onHandshake(id, request)
        case .received(let id, let xid, let request):
            onReceived(id, xid: xid, request)
        case .disconnected(let id):
            onDisconnected(id)
        case .writable(let id):
            onWritable(id)
        case .logQueue(let full):
            onLogQueue(full: full)
        case .tick:
            onTick()
        case .persisted(let zxid):
            if zab != nil { stepZab(.persisted(upTo: zxid)) } else { onPersisted(upTo: zxid) }
        case .truncated(let zxid):
            stepZab(.truncated(after: zxid))
        case .snapshotInstalled(let zxid):
            stepZab(.snapshotInstalled(zxid: zxid))
        case .peerConnected(let peer):
            stepZab(.connected(peer))
        case .peerDisconnected(let peer):
            stepZab(.disconnected(peer))
        case .peerMessage(let peer, let message):
            onPeerMessage(peer, message)
        }
        if !toPersist.isEmpty {
            actions.append(.persist(toPersist))
            toPersist = []
        }
        let result = actions
        actions = []
        return result
    }

    // MARK: - Proposals

    /// The zxid the next transaction prepared here will get.
    func nextZxid() -> Int64 { zab?.nextZxid ?? lastProposedZxid + 1 }

    /// Hands a prepared transaction on: standalone to storage, applied when `.persisted`
    /// covers it; on a leader to ZAB, applied when delivered.
    mutating func propose(_ txn: Txn, session: Int64, cxid: Int32) {
        // A leader that stepped down earlier in this step (its zxid counter ran out) takes
        // no more: the rest of a loop of expiries or reaps waits for the next leader.
        if let zab, !zab.canPropose { return }
        let zxid = nextZxid()
        let header = TxnHeader(session: session, cxid: cxid, zxid: zxid, time: now.wall, type: txn.type.rawValue)
        let entry = TxnEntry(header: header, txn: txn)
        lastProposedZxid = zxid
        if zab != nil {
            let (proposed, zabActions) = zab!.propose(entry.bytes(), at: now.monotonic)
            // Nil: the epoch's zxid counter ran out and the leader stepped down; the clients
            // waiting for this write lose their connection and retry with the next leader.
            precondition(
                proposed == nil || proposed == zxid, "ZAB gave zxid \(proposed!) to a transaction prepared for \(zxid)")
            perform(zabActions)
        } else {
            unpersisted.append(entry)
            toPersist.append(ZabEntry(zxid: zxid, payload: entry.bytes()))
        }
    }

    mutating func onPersisted(upTo zxid: Int64) {
        while let entry = unpersisted.first, entry.zxid <= zxid {
            _ = unpersisted.popFirst()
            applyCommitted(entry)
        }
    }

    // MARK: - Sending

    /// Sends a packet, counting it against the connection's output budget. The packet that
    /// spends the budget pauses the connection: while paused, the shell reports when its
    /// output is taken, which is what renews the budget. A connection sent twice the
    /// budget without taking it (events keep coming to a blocked one) is closed.
    mutating func send(_ id: ConnectionID, _ packet: [UInt8]) {
        guard
            let spending = connections[id]?.spend(packet.count, budget: config.clientOutputBytesMax, at: now.monotonic)
        else { return }
        actions.append(.send(id, packet))
        counters.sent += 1
        switch spending {
        case .within: break
        case .budgetSpent: settleReading(id)
        case .overrun: closeOverrun(id)
        }
    }

    /// Closes a connection the node gives up on; its session lives on until it expires.
    mutating func close(_ id: ConnectionID) {
        guard forget(id) else { return }
        actions.append(.close(id))
    }

    /// Drops the node's state for a connection; false if it was already gone.
    @discardableResult
    mutating func forget(_ id: ConnectionID) -> Bool {
        guard let connection = connections.removeValue(forKey: id) else { return false }
        outstandingRequests -= connection.queue.count
        if connection.session != 0 && sessionConnection[connection.session] == id {
            sessionConnection[connection.session] = nil
        }
        if case .creatingSession(let session) = connection.phase { creatingSessions[session] = nil }
        pendingWrites = pendingWrites.filter { $0.value != id }
        syncWaits = syncWaits.filter { $0.value != id }
        revalidations = revalidations.filter { $0.value != id }
        watches.removeAll(for: id)
        return true
    }

    mutating func notice(_ notice: Notice) { actions.append(.notice(notice)) }
}

/// Server-wide counters for `srvr`, `stat` and `mntr`.
public struct ServerCounters: Hashable, Sendable {
    public var received = 0
    public var sent = 0
    public var minLatency: Int64 = 0
    public var maxLatency: Int64 = 0
    public var totalLatency: Int64 = 0
    public var replies = 0
    public var authFailures = 0
    /// Times the log's queue went over its bound and client reads paused.
    public var logQueueFulls = 0

    mutating func replied(latency: Int64) {
        minLatency = replies == 0 ? latency : min(minLatency, latency)
        maxLatency = max(maxLatency, latency)
        totalLatency += latency
        replies += 1
    }

    public var averageLatency: Double { replies == 0 ? 0 : Double(totalLatency) / Double(replies) }
}
