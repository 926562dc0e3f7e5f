import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// A TCP proxy in front of a server, for breaking the network under a client without
/// touching the client: `cut()` closes every connection (the client sees EOF), `freeze`
/// swallows bytes both ways (a silent, dead network), `refuse` closes new connections
/// at once (an unreachable server).
public final class TCPProxy: Sendable {
    public let port: Int
    public let upstreamHost: String
    public let upstreamPort: Int
    private let serverChannel: any Channel
    private let state: ProxyState

    public var hosts: String { "\(TestPorts.host):\(port)" }

    private init(port: Int, upstreamHost: String, upstreamPort: Int, serverChannel: any Channel, state: ProxyState) {
        self.port = port
        self.upstreamHost = upstreamHost
        self.upstreamPort = upstreamPort
        self.serverChannel = serverChannel
        self.state = state
    }

    /// A proxy on a free test port, forwarding to `upstream` (`host:port`).
    public static func start(upstream: String) async throws -> TCPProxy {
        let parts = upstream.split(separator: ":")
        guard parts.count == 2, let upstreamPort = Int(parts[1]) else {
            throw TestServerError.launchFailed("bad upstream \(upstream)")
        }
        let upstreamHost = String(parts[0])
        let state = ProxyState()
        return try await TestPorts.bindFirstFree { port in
            let bootstrap = ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                .childChannelOption(.autoRead, value: false)
                .childChannelInitializer { inbound in
                    accept(inbound, upstreamHost: upstreamHost, upstreamPort: upstreamPort, state: state)
                }
            guard let channel = try? await bootstrap.bind(host: TestPorts.host, port: port).get() else { return nil }
            return TCPProxy(
                port: port, upstreamHost: upstreamHost, upstreamPort: upstreamPort, serverChannel: channel,
                state: state)
        }
    }

    /// Closes every connection through the proxy.
    public func cut() {
        for channel in state.channels.withLockedValue({ $0 }) { channel.close(promise: nil) }
    }

    /// While frozen, bytes are dropped in both directions and the connections stay open.
    public func freeze(_ frozen: Bool) {
        state.frozen.withLockedValue { $0 = frozen }
    }

    /// While refusing, new connections are closed as soon as they are accepted.
    public func refuse(_ refusing: Bool) {
        state.refusing.withLockedValue { $0 = refusing }
    }

    public func stop() async {
        cut()
        try? await serverChannel.close()
    }

    private static func accept(
        _ inbound: any Channel, upstreamHost: String, upstreamPort: Int, state: ProxyState
    ) -> EventLoopFuture<Void> {
        if state.refusing.withLockedValue({ $0 }) { return inbound.close() }
        return ClientBootstrap(group: inbound.eventLoop)
            .connect(host: upstreamHost, port: upstreamPort)
            .flatMap { outbound in
                state.channels.withLockedValue { $0 += [inbound, outbound] }
                do {
                    try inbound.pipeline.syncOperations.addHandler(Relay(peer: outbound, state: state))
                    try outbound.pipeline.syncOperations.addHandler(Relay(peer: inbound, state: state))
                } catch {
                    return inbound.eventLoop.makeFailedFuture(error)
                }
                // Reading starts only now, so nothing arrives before there is somewhere to send it.
                return inbound.setOption(.autoRead, value: true)
            }
    }
}

final class ProxyState: Sendable {
    let channels = NIOLockedValueBox<[any Channel]>([])
    let frozen = NIOLockedValueBox(false)
    let refusing = NIOLockedValueBox(false)
}

/// Copies what one side reads to the other; when one side closes, so does the other.
final class Relay: ChannelInboundHandler, Sendable {
    typealias InboundIn = ByteBuffer

    let peer: any Channel
    let state: ProxyState

    init(peer: any Channel, state: ProxyState) {
        self.peer = peer
        self.state = state
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if !state.frozen.withLockedValue({ $0 }) {
            peer.writeAndFlush(unwrapInboundIn(data), promise: nil)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        let me = context.channel
        state.channels.withLockedValue { channels in channels.removeAll { $0 === me } }
        peer.close(promise: nil)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}
