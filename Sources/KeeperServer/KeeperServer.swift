import CorralTLS
import KeeperCore
import KeeperNode
import KeeperProtocol
import KeeperStorage
import Logging
import NIOCore
import NIOPosix
import Zab

/// A running standalone Keeper server: one event loop carrying the client listener, every
/// client connection and the node, so that the node has a single owner.
public final class KeeperServer: Sendable {
    public let config: KeeperConfig
    /// The address the client listener is bound to (port 0 in the config picks a free one).
    public let localAddress: SocketAddress
    private let group: MultiThreadedEventLoopGroup
    /// The client listener: clientPort's, or secureClientPort's when it is the only one.
    private let listener: Channel
    /// secureClientPort's listener, beside clientPort's.
    private let secureListener: Channel?
    /// `metricsProvider.httpPort`'s listener, when Prometheus metrics are on.
    private let metricsListener: Channel?
    private let host: NIOLoopBound<NodeHost>
    private let ticker: NIOLoopBound<RepeatedTask>
    private let logger: Logger
    private let failed: EventLoopPromise<Void>

    /// How often the node is told that time passed (session expiry, reaping).
    static let tickInterval = TimeAmount.milliseconds(50)

    public var port: Int { localAddress.port ?? 0 }
    /// The port clients reach over TLS, if one is served.
    public var securePort: Int? {
        config.servesPlaintext ? secureListener?.localAddress?.port : (config.secureClientPort == nil ? nil : port)
    }
    /// The port `GET /metrics` is served on, if it is.
    public var metricsPort: Int? { metricsListener?.localAddress?.port }

    private init(
        config: KeeperConfig, group: MultiThreadedEventLoopGroup, listeners: [Channel], metricsListener: Channel?,
        host: NIOLoopBound<NodeHost>, ticker: NIOLoopBound<RepeatedTask>, failed: EventLoopPromise<Void>, logger: Logger
    ) {
        let listener = listeners[0]
        self.secureListener = listeners.count > 1 ? listeners[1] : nil
        self.failed = failed
        self.metricsListener = metricsListener
        self.config = config
        self.group = group
        self.listener = listener
        self.localAddress = listener.localAddress!
        self.host = host
        self.ticker = ticker
        self.logger = logger
    }

    /// Recovers the state in dataDir (if set), then serves `config`; returns once the client
    /// port is bound.
    public static func start(config: KeeperConfig, logger: Logger = Logger(label: "keeper")) async throws
        -> KeeperServer
    {
        let node = try recoverNode(config, logger: logger)
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let loop = group.next()
        let failed = loop.makePromise(of: Void.self)
        let metrics = KeeperMetrics()
        let host = try await loop.submit {
            let storage = storageSettings(config).map {
                DiskStorage(settings: $0, lastZxid: node.lastLoggedZxid, loop: loop, metrics: metrics, logger: logger)
            }
            let host = NodeHost(config: config, node: node, storage: storage, metrics: metrics, logger: logger)
            host.attachStorage { failed.fail($0) }
            host.purge()
            return NIOLoopBound(host, eventLoop: loop)
        }.get()
        var metricsListener: Channel?
        var listeners: [Channel] = []
        do {
            listeners = try await bindClients(config, host: host, group: group, logger: logger)
            metricsListener = try await bindMetrics(config, host: host, group: group, loop: loop, logger: logger)
            if config.isEnsemble { try await startQuorum(config, host: host, group: group, loop: loop, logger: logger) }
            let ticker = try await loop.submit { scheduleTimers(host, config: config, loop: loop) }.get()
            let server = KeeperServer(
                config: config, group: group, listeners: listeners, metricsListener: metricsListener, host: host,
                ticker: ticker, failed: failed, logger: logger)
            let timeouts = "\(config.effectiveMinSessionTimeout)...\(config.effectiveMaxSessionTimeout)"
            let mode = config.isEnsemble ? "server \(config.myId ?? 0) of \(config.peers.count)" : "standalone"
            let plaintext = config.servesPlaintext ? "on \(config.clientPortAddress):\(server.port)" : nil
            let secure = server.securePort.map { "over TLS on \(config.secureClientPortAddress):\($0)" }
            logger.info(
                "serving clients \([plaintext, secure].compactMap { $0 }.joined(separator: " and ")) (\(mode), tickTime \(config.tickTime) ms, session timeouts \(timeouts) ms)"
            )
            return server
        } catch {
            for listener in listeners { try? await listener.close() }
            try? await metricsListener?.close()
            failed.fail(error)
            try? await loop.flatSubmit { host.value.shutdownStorage(on: loop) }.get()
            try? await group.shutdownGracefully()
            throw error
        }
    }

    /// clientPort's listener and secureClientPort's, as configured; the first is the one
    /// `port` names.
    private static func bindClients(
        _ config: KeeperConfig, host: NIOLoopBound<NodeHost>, group: EventLoopGroup, logger: Logger
    ) async throws -> [Channel] {
        var listeners: [Channel] = []
        do {
            if config.servesPlaintext {
                listeners.append(
                    try await bootstrap(group: group, host: host, config: config, tls: nil)
                        .bind(host: config.clientPortAddress, port: config.clientPort).get())
            }
            if let securePort = config.secureClientPort {
                let tls = try ReloadingTLSContext(config.clientTLS, logger: logger) { try TLSContextFactory.server($0) }
                listeners.append(
                    try await bootstrap(group: group, host: host, config: config, tls: tls)
                        .bind(host: config.secureClientPortAddress, port: securePort).get())
            }
            return listeners
        } catch {
            for listener in listeners { try? await listener.close() }
            throw error
        }
    }

    /// `GET /metrics` on metricsProvider.httpHost:httpPort, if Prometheus metrics are on.
    private static func bindMetrics(
        _ config: KeeperConfig, host: NIOLoopBound<NodeHost>, group: EventLoopGroup, loop: EventLoop, logger: Logger
    ) async throws -> Channel? {
        guard config.prometheusMetrics else { return nil }
        do {
            let channel = try await MetricsListener.bind(
                host: config.metricsHost, port: config.metricsPort, group: group
            ) {
                loop.submit { host.value.metricsExposition() }
            }
            logger.info("metrics on http://\(config.metricsHost):\(channel.localAddress?.port ?? 0)/metrics")
            return channel
        } catch {
            throw ConfigError(
                file: "", line: 0, key: "metricsProvider.httpPort",
                message:
                    "cannot listen on \(config.metricsHost):\(config.metricsPort) for metrics (\(error)); choose a free port"
            )
        }
    }

    /// Listens on this server's quorum port and connects to the servers with lower ids.
    private static func startQuorum(
        _ config: KeeperConfig, host: NIOLoopBound<NodeHost>, group: EventLoopGroup, loop: EventLoop, logger: Logger
    ) async throws {
        guard let me = config.peers.first(where: { $0.id == config.myId }) else {
            throw ConfigError(
                file: "", line: 0, key: "server.\(config.myId ?? 0)", message: "this server is not in the ensemble")
        }
        let (accepting, connecting) = try quorumTLS(config, logger: logger)
        _ = try await ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let pipeline = channel.pipeline.syncOperations
                    if let accepting, config.portUnification {
                        try pipeline.addHandler(
                            TLSSniffer(tls: accepting, names: .zooKeeper("ssl.quorum"), logger: logger))
                    } else if let accepting {
                        try TLSSniffer.addTLS(
                            to: pipeline, context: accepting.current(), names: .zooKeeper("ssl.quorum"), logger: logger)
                    }
                    try QuorumChannelHandler.install(on: pipeline, host: host.value, initiator: false)
                }
            }
            .bind(host: me.host, port: me.peerPort).get()
        try await loop.submit {
            let lower = config.peers.filter { $0.id < me.id }
            let connector = QuorumConnector(host: host, peers: lower, group: group, loop: loop, tls: connecting)
            host.value.connector = connector
            connector.start()
        }.get()
        let mode =
            config.sslQuorum
            ? (config.portUnification ? "TLS, accepting plaintext too" : "TLS")
            : (config.portUnification ? "plaintext, accepting TLS too" : "plaintext")
        logger.info("quorum port \(me.host):\(me.peerPort) (\(mode)); ensemble \(config.ensembleIdentity)")
    }

    /// The quorum's TLS contexts: for connections accepted (sslQuorum or portUnification)
    /// and made (sslQuorum). Both sides present a certificate and check the other's.
    private static func quorumTLS(
        _ config: KeeperConfig, logger: Logger
    ) throws -> (accepting: ReloadingTLSContext?, connecting: ReloadingTLSContext?) {
        var settings = config.quorumTLS
        settings.clientAuth = .need
        let accepting =
            config.sslQuorum || config.portUnification
            ? try ReloadingTLSContext(settings, logger: logger) {
                try TLSContextFactory.server($0, names: .zooKeeper("ssl.quorum"))
            }
            : nil
        let connecting =
            config.sslQuorum
            ? try ReloadingTLSContext(settings, logger: logger) {
                try TLSContextFactory.client($0, names: .zooKeeper("ssl.quorum"))
            }
            : nil
        return (accepting, connecting)
    }

    /// The tick (session expiry, reaping) and, if configured, the purge of old files.
    private static func scheduleTimers(_ host: NIOLoopBound<NodeHost>, config: KeeperConfig, loop: EventLoop)
        -> NIOLoopBound<RepeatedTask>
    {
        if config.purgeInterval > 0 && config.dataDir != nil {
            let interval = TimeAmount.hours(Int64(config.purgeInterval))
            loop.scheduleRepeatedTask(initialDelay: interval, delay: interval) { _ in host.value.purge() }
        }
        return NIOLoopBound(
            loop.scheduleRepeatedTask(initialDelay: tickInterval, delay: tickInterval) { _ in host.value.handle(.tick)
            },
            eventLoop: loop)
    }

    static func storageSettings(_ config: KeeperConfig) -> StorageSettings? {
        guard let dataDir = config.dataDir else { return nil }
        return StorageSettings(
            snapshotDirectory: dataDir, logDirectory: config.dataLogDir ?? dataDir, snapCount: config.snapCount,
            snapRetainCount: config.snapRetainCount, purgeIntervalHours: config.purgeInterval,
            preallocationStep: config.preAllocSize * 1024, forceSync: config.forceSync,
            queueBytesMax: config.logQueueBytesMax)
    }

    /// Reads the snapshot and log in dataDir (an empty tree without one) and builds the
    /// node: standalone applies the whole log; an ensemble member keeps the log after its
    /// snapshot as accepted history for ZAB to settle.
    static func recoverNode(_ config: KeeperConfig, logger: Logger) throws -> KeeperNode {
        let nodeConfig = Self.nodeConfig(config)
        let time = NodeHost.now()
        var boot = ReplicaBoot.empty
        if let settings = storageSettings(config) {
            let started = NIODeadline.now()
            boot = try ReplicaBoot.read(
                fileSystem: PosixFileSystem(), snapshotDirectory: settings.snapshotDirectory,
                logDirectory: settings.logDirectory, ensemble: config.isEnsemble)
            for note in boot.report.notes { logger.warning("\(note)") }
            let ms = (NIODeadline.now() - started).nanoseconds / 1_000_000
            let source = boot.report.snapshot.map { "snapshot \($0)" } ?? "no snapshot"
            logger.info(
                "recovered zxid 0x\(StorageFormat.hex16(boot.report.lastZxid)) in \(ms) ms: \(source), \(boot.report.replayed) transactions replayed, \(boot.state.tree.nodeCount) znodes, \(boot.state.sessions.count) sessions"
            )
        } else {
            logger.warning("no dataDir: nothing is written to disk, and every write is lost when this server stops")
        }
        guard config.isEnsemble, let myId = config.myId else {
            return KeeperNode(config: nodeConfig, startedAt: time, tree: boot.state.tree, sessions: boot.state.sessions)
        }
        let zab = ZabConfig(
            id: myId, voters: config.peers.map(\.id), tickTime: Int64(config.tickTime),
            initLimit: Int64(config.initLimit),
            syncLimit: Int64(config.syncLimit))
        return KeeperNode(
            config: nodeConfig, startedAt: time, state: boot.state, log: boot.log, zab: zab,
            acceptedEpoch: boot.acceptedEpoch, currentEpoch: boot.currentEpoch)
    }

    /// Reads NIO makes from one client in a row, and the most each read takes: once the node
    /// pauses a connection, at most one such burst still arrives.
    static let readsPerBurstMax = 16
    static let readSizeMax = 64 << 10
    static let readBurstBytesMax = readsPerBurstMax * readSizeMax

    private static func bootstrap(
        group: EventLoopGroup, host: NIOLoopBound<NodeHost>, config: KeeperConfig, tls: ReloadingTLSContext?
    ) -> ServerBootstrap {
        // NIO's writability follows the node's output budget: a connection is unwritable
        // past clientOutputBytesMax buffered and writable again under half of it.
        let waterMark = ChannelOptions.Types.WriteBufferWaterMark(
            low: config.clientOutputBytesMax / 2, high: config.clientOutputBytesMax)
        return ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelOption(.maxMessagesPerRead, value: UInt(readsPerBurstMax))
            .childChannelOption(
                .recvAllocator, value: AdaptiveRecvByteBufferAllocator(minimum: 64, initial: 2048, maximum: readSizeMax)
            )
            .childChannelOption(.writeBufferWaterMark, value: waterMark)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try ClientChannelHandler.install(
                        on: channel.pipeline.syncOperations, host: host.value, juteMaxBuffer: config.juteMaxBuffer,
                        tls: tls)
                }
            }
    }

    static func nodeConfig(_ config: KeeperConfig) -> NodeConfig {
        var node = NodeConfig(tickTime: Int32(config.tickTime), digest: DigestAuth(superDigest: config.superDigest))
        node.serverId = Int64(config.myId ?? 0)
        node.minSessionTimeout = Int32(config.effectiveMinSessionTimeout)
        node.maxSessionTimeout = Int32(config.effectiveMaxSessionTimeout)
        node.extendedTypesEnabled = config.extendedTypesEnabled
        node.containerCheckInterval = Int64(config.containerCheckInterval)
        node.clientOutputBytesMax = config.clientOutputBytesMax
        node.globalOutstandingLimit = config.globalOutstandingLimit
        node.watchesPerSessionMax = config.watchesPerSessionMax
        node.membership = Array(config.membership.utf8)
        node.x509SuperUser = config.x509SuperUser
        node.saslUsers = config.saslUsers
        node.saslSuperUser = config.saslSuperUser
        node.enforcedAuthSchemes = Set(config.enforcedAuthSchemes)
        var random = SystemRandomNumberGenerator()
        node.saslNonceSeed = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &random) }
        return node
    }

    /// The node's counters and connections, read on its loop.
    public func status() async throws -> NodeStatus {
        try await listener.eventLoop.submit { self.host.value.status }.get()
    }

    /// Completes with an error if the server had to stop (the log could not be written).
    public func waitForFailure() async throws {
        try await failed.futureResult.get()
    }

    /// Stops listening, closes every connection, the log and the loop.
    public func shutdown() async {
        let ticker = self.ticker
        let host = self.host
        try? await listener.eventLoop.submit { ticker.value.cancel() }.get()
        try? await listener.close()
        try? await secureListener?.close()
        try? await metricsListener?.close()
        let loop = listener.eventLoop
        try? await loop.submit { host.value.connector?.stop() }.get()
        try? await loop.flatSubmit { host.value.shutdownStorage(on: loop) }.get()
        failed.succeed()
        try? await group.shutdownGracefully()
        logger.info("stopped serving on port \(port)")
    }
}
