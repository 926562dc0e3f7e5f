import Crypto
import KeeperCore
import KeeperNode
import KeeperProtocol
import Logging
import NIOCore
import NIOPosix

/// A running standalone Keeper server: one event loop carrying the client listener, every
/// client connection and the node, so that the node has a single owner.
public final class KeeperServer: Sendable {
    public let config: KeeperConfig
    /// The address the client listener is bound to (port 0 in the config picks a free one).
    public let localAddress: SocketAddress
    private let group: MultiThreadedEventLoopGroup
    private let listener: Channel
    private let host: NIOLoopBound<NodeHost>
    private let ticker: NIOLoopBound<RepeatedTask>
    private let logger: Logger

    /// How often the node is told that time passed (session expiry, reaping).
    static let tickInterval = TimeAmount.milliseconds(50)

    public var port: Int { localAddress.port ?? 0 }

    private init(
        config: KeeperConfig, group: MultiThreadedEventLoopGroup, listener: Channel, host: NIOLoopBound<NodeHost>,
        ticker: NIOLoopBound<RepeatedTask>, logger: Logger
    ) {
        self.config = config
        self.group = group
        self.listener = listener
        self.localAddress = listener.localAddress!
        self.host = host
        self.ticker = ticker
        self.logger = logger
    }

    /// Starts serving `config`; returns once the client port is bound.
    public static func start(config: KeeperConfig, logger: Logger = Logger(label: "keeper")) async throws -> KeeperServer {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let loop = group.next()
        let nodeConfig = Self.nodeConfig(config)
        let host = try await loop.submit {
            NIOLoopBound(NodeHost(config: config, node: nodeConfig, logger: logger), eventLoop: loop)
        }.get()
        do {
            let listener = try await bootstrap(group: group, host: host, config: config)
                .bind(host: config.clientPortAddress, port: config.clientPort).get()
            let ticker = try await loop.submit {
                NIOLoopBound(
                    loop.scheduleRepeatedTask(initialDelay: tickInterval, delay: tickInterval) { _ in
                        host.value.handle(.tick)
                    }, eventLoop: loop)
            }.get()
            let server = KeeperServer(
                config: config, group: group, listener: listener, host: host, ticker: ticker, logger: logger)
            let timeouts = "\(config.effectiveMinSessionTimeout)...\(config.effectiveMaxSessionTimeout)"
            logger.info(
                "serving clients on \(config.clientPortAddress):\(server.port) (standalone, tickTime \(config.tickTime) ms, session timeouts \(timeouts) ms)")
            return server
        } catch {
            try? await group.shutdownGracefully()
            throw error
        }
    }

    private static func bootstrap(group: EventLoopGroup, host: NIOLoopBound<NodeHost>, config: KeeperConfig) -> ServerBootstrap {
        ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelOption(.maxMessagesPerRead, value: 16)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(
                        ByteToMessageHandler(ClientFrameDecoder(maxLength: config.juteMaxBuffer)))
                    try channel.pipeline.syncOperations.addHandler(ClientChannelHandler(host: host.value))
                }
            }
    }

    static func nodeConfig(_ config: KeeperConfig) -> NodeConfig {
        let sha1: DigestAuth.SHA1 = { Array(Insecure.SHA1.hash(data: $0)) }
        var node = NodeConfig(tickTime: Int32(config.tickTime), digest: DigestAuth(sha1: sha1, superDigest: config.superDigest))
        node.minSessionTimeout = Int32(config.effectiveMinSessionTimeout)
        node.maxSessionTimeout = Int32(config.effectiveMaxSessionTimeout)
        node.extendedTypesEnabled = config.extendedTypesEnabled
        node.containerCheckInterval = Int64(config.containerCheckInterval)
        return node
    }

    /// The node's counters and connections, read on its loop.
    public func status() async throws -> NodeStatus {
        try await listener.eventLoop.submit { self.host.value.status }.get()
    }

    /// Stops listening, closes every connection and the loop.
    public func shutdown() async {
        let ticker = self.ticker
        try? await listener.eventLoop.submit { ticker.value.cancel() }.get()
        try? await listener.close()
        try? await group.shutdownGracefully()
        logger.info("stopped serving on port \(port)")
    }
}
