import CorralMetrics
import NIOCore
import NIOHTTP1
import NIOPosix

/// The HTTP listener of `metricsProvider.httpPort`: `GET /metrics` in Prometheus' format
/// (and `/` for ZooKeeper's provider, which answers on any path), 404 for anything else,
/// 405 for another method. A request body is read and dropped; a connection idle for
/// `idleTimeout` is closed.
enum MetricsListener {
    static let idleTimeout = TimeAmount.seconds(60)

    /// Binds the listener; `exposition` is asked on each scrape and completes with the text.
    static func bind(
        host: String, port: Int, group: EventLoopGroup,
        exposition: @escaping @Sendable () -> EventLoopFuture<[UInt8]>
    ) async throws -> Channel {
        try await ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 64)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let pipeline = channel.pipeline.syncOperations
                    try pipeline.addHandler(IdleStateHandler(allTimeout: idleTimeout))
                    try pipeline.configureHTTPServerPipeline(withErrorHandling: true)
                    try pipeline.addHandler(MetricsHTTPHandler(exposition: exposition))
                }
            }
            .bind(host: host, port: port).get()
    }
}

/// Answers one request at a time on a connection, keeping it open unless the client asks
/// to close it.
final class MetricsHTTPHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let exposition: @Sendable () -> EventLoopFuture<[UInt8]>
    private var head: HTTPRequestHead?

    init(exposition: @escaping @Sendable () -> EventLoopFuture<[UInt8]>) {
        self.exposition = exposition
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head): self.head = head
        case .body: break
        case .end:
            guard let head else { return }
            self.head = nil
            answer(head, context: context)
        }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is IdleStateHandler.IdleStateEvent { context.close(promise: nil) }
        context.fireUserInboundEventTriggered(event)
    }

    private func answer(_ head: HTTPRequestHead, context: ChannelHandlerContext) {
        let path = head.uri.split(separator: "?", maxSplits: 1).first.map(String.init) ?? "/"
        guard path == "/metrics" || path == "/" else {
            return respond(
                .notFound, "text/plain", Array("Not found: Keeper serves /metrics here\n".utf8), head, context)
        }
        guard head.method == .GET || head.method == .HEAD else {
            return respond(
                .methodNotAllowed, "text/plain", Array("Use GET\n".utf8), head, context, extra: [("Allow", "GET, HEAD")]
            )
        }
        let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        exposition().hop(to: context.eventLoop).whenComplete { result in
            let (handler, context) = bound.value
            switch result {
            case .success(let text):
                handler.respond(.ok, MetricsRegistry.contentType, text, head, context)
            case .failure(let error):
                handler.respond(
                    .serviceUnavailable, "text/plain", Array("The server is stopping: \(error)\n".utf8), head, context)
            }
        }
    }

    /// Writes the answer; to HEAD, the head a GET would get (its Content-Length too) alone.
    private func respond(
        _ status: HTTPResponseStatus, _ type: String, _ body: [UInt8], _ request: HTTPRequestHead,
        _ context: ChannelHandlerContext, extra: [(String, String)] = []
    ) {
        var headers = HTTPHeaders([("Content-Type", type), ("Content-Length", String(body.count))] + extra)
        if !request.isKeepAlive {
            headers.add(name: "Connection", value: "close")
        } else if request.version.minor == 0 {
            headers.add(name: "Connection", value: "keep-alive")
        }
        context.write(
            wrapOutboundOut(.head(HTTPResponseHead(version: request.version, status: status, headers: headers))),
            promise: nil)
        if !body.isEmpty && request.method != .HEAD {
            context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(bytes: body)))), promise: nil)
        }
        let done = context.writeAndFlush(wrapOutboundOut(.end(nil)))
        if !request.isKeepAlive {
            let channel = context.channel
            done.whenComplete { _ in channel.close(promise: nil) }
        }
    }
}
