import CorralTLS
import KeeperProtocol
import Logging
import NIOCore

extension KeeperClient {
    /// How a client talks to the ensemble. Every queue the client keeps has its bound
    /// here, with what happens when it is reached.
    public struct Configuration: Sendable {
        /// The session timeout asked for; the server clamps it to its own limits
        /// (by default 2 to 20 ticks).
        public var sessionTimeout: Duration = .seconds(10)
        /// Try the hosts in a random order, as ZooKeeper clients do, so that clients
        /// spread over the ensemble. Tests turn it off to know which host comes next.
        public var shuffleHosts = true
        /// A session to resume instead of creating one (another client's, say).
        public var session: SessionCredentials?
        /// Auth packets sent on every connection before anything else (zkcli's --auth).
        public var authentication: [Authentication] = []
        /// Connect over TLS (a server's secureClientPort), as ZooKeeper's client does with
        /// `zookeeper.client.secure`: `trustStore` holds the CAs the server's certificate
        /// must chain to (the system's without it), `keyStore` this client's key and
        /// certificate (the x509 identity), `hostnameVerification` checks the server's name.
        public var tls: TLSSettings?
        /// Requests queued or awaiting replies at once; one more fails with
        /// `KeeperClientError.tooManyOutstandingRequests` without being sent.
        public var outstandingRequestsMax = 1_000
        /// Watches registered at once; a watching call beyond it fails with
        /// `KeeperClientError.tooManyWatches`.
        public var watchesMax = 100_000
        /// Events a persistent watch stream holds for a slow consumer; when it is full the
        /// stream ends with `KeeperClientError.watchEventsOverflow` and the watch is removed.
        public var watchEventsBufferedMax = 1_000
        /// Session events each `sessionEvents()` stream holds; the oldest are dropped first.
        public var sessionEventsBufferedMax = 64
        /// The largest frame, as ZooKeeper's jute.maxbuffer: a bigger request fails with
        /// `KeeperClientError.packetTooLarge`; a reply bigger than this plus
        /// `Frame.headerAllowance` closes the connection (ConnectionLoss).
        public var packetLengthMax = Frame.maxBufferDefault
        /// SetWatches after a reconnect is split into packets of about this many path bytes.
        public var setWatchesBatchBytesMax = 128 * 1024
        /// The pause after every host failed once; it doubles up to `reconnectDelayMax`.
        public var reconnectDelayMin: Duration = .milliseconds(100)
        public var reconnectDelayMax: Duration = .seconds(1)
        /// How long close() waits for the server to confirm closeSession.
        public var closeTimeout: Duration = .seconds(2)
        /// How often the session checks its clocks (pings, dead connections, back-off).
        public var tickInterval: Duration = .milliseconds(50)
        /// nil uses NIO's shared event loop group.
        public var eventLoopGroup: (any EventLoopGroup)?
        /// Quiet unless something is wrong; raise the level to watch the session work.
        public var logger: Logger = {
            var logger = Logger(label: "corral.keeper.client")
            logger.logLevel = .warning
            return logger
        }()

        public init() {}

        var machineSettings: SessionMachine.Settings {
            SessionMachine.Settings(
                requestedTimeoutMilliseconds: Int32(clamping: sessionTimeout.milliseconds),
                outstandingRequestsMax: outstandingRequestsMax, watchesMax: watchesMax,
                packetLengthMax: packetLengthMax, setWatchesBatchBytesMax: setWatchesBatchBytesMax,
                reconnectDelayMin: reconnectDelayMin, reconnectDelayMax: reconnectDelayMax,
                closeTimeout: closeTimeout)
        }
    }
}

extension Duration {
    var milliseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1000 + attoseconds / 1_000_000_000_000_000
    }

    var timeAmount: TimeAmount { .nanoseconds(Int64(clamping: milliseconds) * 1_000_000 + subMillisecondNanos) }

    private var subMillisecondNanos: Int64 { (components.attoseconds / 1_000_000_000) % 1_000_000 }
}
