import KeeperCore
import KeeperProtocol

/// One Keeper server as a pure state machine: client sessions, ZooKeeper's request
/// pipeline (prep → persist → apply → reply) and watches. Events come in through `step`,
/// actions go out as its result; the node never touches a socket, a disk or a clock, so the
/// NIO server and the simulator run the very same code.
///
/// Writes are prepared as soon as they arrive (prep runs ahead against pending changes),
/// handed out to be persisted, and applied in zxid order once `.persisted` says they are
/// on disk. A connection's replies leave in its request order: a read waits behind the
/// connection's own writes, so a client always reads what it wrote. Watch notifications a
/// write causes are sent before that write's reply.
///
/// Standalone for now: the node commits what it persists. Replication will put a ZAB peer
/// between persisting and applying.
public struct KeeperNode: Sendable {
    public let config: NodeConfig
    public internal(set) var tree = DataTree()
    public internal(set) var watches = WatchRegistry()
    public internal(set) var sessions: SessionTable
    public internal(set) var counters = ServerCounters()
    var preparer: Preparer
    var sessionIds: SessionIdGenerator
    var connections: [ConnectionID: ClientConnection] = [:]
    var sessionConnection: [Int64: ConnectionID] = [:]
    var proposals = RingQueue<Proposal>()
    var lastProposedZxid: Int64 = 0
    var nextReapCheck: Int64
    var now: NodeTime
    var actions: [NodeAction] = []
    var toPersist: [TxnEntry] = []

    /// A transaction between prep and apply, and who waits for it.
    struct Proposal: Sendable {
        enum Origin: Sendable {
            case request(ConnectionID)
            case createSession(ConnectionID)
            case expiry
            case reap
        }
        var entry: TxnEntry
        var origin: Origin
    }

    /// A node starting from `tree` and the `sessions` (id and timeout) that were alive when
    /// it was saved; each session gets a full timeout from now to reconnect.
    public init(config: NodeConfig, startedAt time: NodeTime, tree: DataTree = DataTree(), sessions: [Int64: Int32] = [:]) {
        self.config = config
        self.now = time
        self.tree = tree
        self.sessions = SessionTable(tickTime: Int64(config.tickTime))
        for (id, timeout) in sessions.sorted(by: { $0.key < $1.key }) {
            self.sessions.add(id, timeout: timeout, now: time.monotonic)
        }
        self.lastProposedZxid = tree.lastProcessedZxid
        self.preparer = Preparer(extendedTypesEnabled: config.extendedTypesEnabled)
        self.sessionIds = SessionIdGenerator(serverId: config.serverId, startTime: time.wall)
        self.nextReapCheck = time.monotonic + config.containerCheckInterval
    }

    /// The live sessions with their timeouts, as a snapshot stores them.
    public var sessionTimeouts: [Int64: Int32] {
        sessions.sessions.mapValues(\.timeout)
    }

    /// Feeds one event in; returns what the shell must do, in order.
    public mutating func step(_ event: NodeEvent, at time: NodeTime) -> [NodeAction] {
        now = time
        switch event {
        case .connected(let id, let address):
            onConnected(id, address: address)
        case .handshake(let id, let request):
            onHandshake(id, request)
        case .received(let id, let xid, let request):
            onReceived(id, xid: xid, request)
        case .disconnected(let id):
            onDisconnected(id)
        case .tick:
            onTick()
        case .persisted(let zxid):
            onPersisted(upTo: zxid)
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

    mutating func nextZxid() -> Int64 { lastProposedZxid + 1 }

    /// Hands a prepared transaction to storage; it is applied when `.persisted` covers it.
    mutating func propose(_ txn: Txn, session: Int64, cxid: Int32, origin: Proposal.Origin) -> Int64 {
        let zxid = nextZxid()
        let header = TxnHeader(session: session, cxid: cxid, zxid: zxid, time: now.wall, type: txn.type.rawValue)
        let entry = TxnEntry(header: header, txn: txn)
        lastProposedZxid = zxid
        proposals.append(Proposal(entry: entry, origin: origin))
        toPersist.append(entry)
        return zxid
    }

    mutating func onPersisted(upTo zxid: Int64) {
        while let proposal = proposals.first, proposal.entry.zxid <= zxid {
            _ = proposals.popFirst()
            apply(proposal)
        }
    }

    // MARK: - Sending

    mutating func send(_ id: ConnectionID, _ packet: [UInt8]) {
        actions.append(.send(id, packet))
        connections[id]?.stats.sent += 1
        counters.sent += 1
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
        if connection.session != 0 && sessionConnection[connection.session] == id {
            sessionConnection[connection.session] = nil
        }
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

    mutating func replied(latency: Int64) {
        minLatency = replies == 0 ? latency : min(minLatency, latency)
        maxLatency = max(maxLatency, latency)
        totalLatency += latency
        replies += 1
    }

    public var averageLatency: Double { replies == 0 ? 0 : Double(totalLatency) / Double(replies) }
}
