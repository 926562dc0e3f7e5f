import KeeperCore
import KeeperProtocol

/// One client connection as the node sees it: where it is in the handshake, which session
/// it speaks for, who it has authenticated as, and the requests whose replies it still
/// owes, in arrival order.
struct ClientConnection: Sendable {
    enum Phase: Sendable, Equatable {
        /// Connected, no ConnectRequest yet.
        case handshaking
        /// A new session's createSession transaction is on its way.
        case creatingSession(Int64)
        /// A follower asked the leader whether this session, which the client reconnects
        /// to, is still open.
        case revalidating(Int64)
        case open
        /// A reply that ends the connection has been queued; nothing more is read.
        case closing
    }

    /// A request whose reply has not left yet.
    struct Queued: Sendable {
        enum Work: Sendable {
            /// Answered from the tree when it reaches the front of the queue.
            case read(Request)
            /// Waiting for its transaction to be applied (matched by session and xid).
            case write(Request)
            /// A follower's sync, waiting for the leader's answer to `token`.
            case sync(path: String, token: Int64)
            /// Already decided (auth, refused ops); only the reply waits its turn.
            case reply(ReplyHeader, Response, closeAfter: Bool)
        }
        var xid: Int32
        var work: Work
        var arrivedAt: Int64
    }

    /// Why the node has asked the shell to stop reading from this connection.
    struct ReadPauses: OptionSet, Sendable {
        let rawValue: UInt8
        /// pendingRequestsPerSessionMax requests queued; lifted at half.
        static let queueFull = ReadPauses(rawValue: 1)
        /// The output budget is spent (`outputBlockedSince`).
        static let outputFull = ReadPauses(rawValue: 2)
        /// Over globalOutstandingLimit requests outstanding server-wide, some of them this
        /// connection's.
        static let serverBusy = ReadPauses(rawValue: 4)
        /// The log's queue is over its bound (`.logQueue(full: true)`), and some of its
        /// requests are outstanding.
        static let logFull = ReadPauses(rawValue: 8)
        /// The ConnectRequest is being decided (a session created or revalidated): what the
        /// client pipelined after it waits, as ZooKeeper's `disableRecv` makes it wait.
        static let sessionPending = ReadPauses(rawValue: 16)
    }

    let id: ConnectionID
    let address: String
    let openedAt: Int64
    var phase: Phase = .handshaking
    var session: Int64 = 0
    var timeout: Int32 = 0
    var ids: [Id]
    var queue = RingQueue<Queued>()
    /// Syncs the leader has answered, ready to reply when they reach the front.
    var answeredSyncs: Set<Int64> = []
    var readPauses: ReadPauses = []
    /// What the shell was last told: stop reading (true) or read.
    var isPaused = false
    /// Bytes sent since the shell last reported the connection writable: what its client
    /// may not have taken yet, as far as the node knows.
    var outputUnconfirmed = 0
    /// When `outputUnconfirmed` reached clientOutputBytesMax (monotonic ms): from then on
    /// nothing more is answered until the shell reports the connection writable. nil while
    /// replies flow.
    var outputBlockedSince: Int64?
    /// Whether the client sent ConnectRequest.readOnly, so the response carries it too.
    var sendsReadOnlyByte = true
    var stats = ConnectionStats()
    /// The connection's SASL exchange, from its first sasl packet.
    var sasl: SASLDigestServer?

    init(id: ConnectionID, address: String, openedAt: Int64) {
        self.id = id
        self.address = address
        self.openedAt = openedAt
        self.ids = [Id(scheme: "ip", id: address)]
    }

    var reader: Reader { Reader(watcher: id, session: session, ids: ids) }

    enum Spending { case within, budgetSpent, overrun }

    /// Counts a packet against the output budget: `budgetSpent` for the packet that spends
    /// it, `overrun` past twice the budget (what a blocked connection is still sent: write
    /// replies and watch events).
    mutating func spend(_ bytes: Int, budget: Int, at time: Int64) -> Spending {
        stats.sent += 1
        outputUnconfirmed += bytes
        if outputUnconfirmed > budget * 2 { return .overrun }
        guard outputUnconfirmed >= budget && outputBlockedSince == nil else { return .within }
        outputBlockedSince = time
        return .budgetSpent
    }
}

/// Per-connection counters for the `cons` and `stat` four-letter words.
public struct ConnectionStats: Hashable, Sendable {
    public var received = 0
    public var sent = 0
    public var lastOp = "NA"
    public var lastCxid: Int32 = -1
    public var lastZxid: Int64 = -1
    public var lastLatency: Int64 = 0
    public var minLatency: Int64 = 0
    public var maxLatency: Int64 = 0
    public var totalLatency: Int64 = 0
    public var replies = 0
    public var establishedAt: Int64 = 0

    mutating func replied(latency: Int64) {
        lastLatency = latency
        minLatency = replies == 0 ? latency : min(minLatency, latency)
        maxLatency = max(maxLatency, latency)
        totalLatency += latency
        replies += 1
    }

    public var averageLatency: Int64 { replies == 0 ? 0 : totalLatency / Int64(replies) }
}
