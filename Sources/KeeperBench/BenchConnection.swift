import KeeperFraming
import KeeperProtocol
import NIOCore
import NIOPosix
import NIOSSL

/// The controller's handle on one client: the channel and its handler, which lives on the
/// channel's event loop.
struct BenchConnection: Sendable {
    let channel: Channel
    let handler: NIOLoopBound<BenchClientHandler>
    let counters: ClientCounters
    let session: Int64

    var eventLoop: EventLoop { channel.eventLoop }

    /// Connects to `server` and opens a session.
    static func open(
        to server: ServerAddress, group: EventLoopGroup, sessionTimeout: Int32, connectTimeout: Double,
        tls: NIOSSLContext? = nil
    ) async throws -> BenchConnection {
        let counters = ClientCounters()
        let loop = group.next()
        let connected = loop.makePromise(of: ConnectResponse.self)
        let timeout = TimeAmount.nanoseconds(Int64(connectTimeout * 1e9))
        let bootstrap = ClientBootstrap(group: loop)
            .connectTimeout(timeout)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let tls {
                        try channel.pipeline.syncOperations.addHandler(
                            NIOSSLClientHandler(context: tls, serverHostname: nil))
                    }
                    let decoder = LengthPrefixedFrameDecoder(
                        lengthMax: Frame.maxBufferDefault + Frame.headerAllowance, limit: "jute.maxbuffer")
                    try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(decoder))
                    try channel.pipeline.syncOperations.addHandler(
                        BenchClientHandler(connected: connected, counters: counters))
                }
            }
        let channel: Channel
        do {
            channel = try await bootstrap.connect(host: server.host, port: server.port).get()
        } catch {
            connected.fail(error)
            throw BenchError.connectFailed("\(server): \(error)")
        }
        let handler = try await loop.submit {
            let handler = try channel.pipeline.syncOperations.handler(type: BenchClientHandler.self)
            handler.sendHandshake(timeout: sessionTimeout)
            return NIOLoopBound(handler, eventLoop: loop)
        }.get()
        let deadline = loop.scheduleTask(in: timeout) {
            connected.fail(BenchError.connectFailed("\(server): no answer to the handshake within \(connectTimeout) s"))
        }
        do {
            let response = try await connected.futureResult.get()
            deadline.cancel()
            return BenchConnection(channel: channel, handler: handler, counters: counters, session: response.sessionId)
        } catch {
            deadline.cancel()
            try? await channel.close()
            throw error
        }
    }

    /// Runs one phase to its end.
    func run(_ source: RequestSource, limit: Int) -> EventLoopFuture<PhaseResult> {
        let handler = self.handler
        let promise = eventLoop.makePromise(of: PhaseResult.self)
        eventLoop.execute { handler.value.startPhase(source, limit: limit, promise: promise) }
        return promise.futureResult
    }

    /// Runs one phase, but closes the connection if it has not ended `seconds` after the
    /// start: the phase then ends with a connection loss for each request in flight.
    func run(_ source: RequestSource, limit: Int, closingAfter seconds: Double) async throws -> PhaseResult {
        let channel = self.channel
        let closer = eventLoop.scheduleTask(in: .nanoseconds(Int64(seconds * 1e9))) { channel.close(promise: nil) }
        defer { closer.cancel() }
        return try await run(source, limit: limit).get()
    }

    /// Stops a timed phase; returns the replies counted so far.
    func stopIssuing() async throws -> Int {
        let handler = self.handler
        return try await eventLoop.submit { handler.value.stopIssuing() }.get()
    }

    /// Closes the connection without closeSession, for a server that may not answer: the
    /// session expires on its own.
    func abandon() async {
        try? await channel.close()
    }

    /// closeSession, then close the connection.
    func close() async {
        let handler = self.handler
        let promise = eventLoop.makePromise(of: Void.self)
        eventLoop.execute { handler.value.close(promise: promise) }
        let deadline = eventLoop.scheduleTask(in: .seconds(5)) { promise.succeed(()) }
        try? await promise.futureResult.get()
        deadline.cancel()
        try? await channel.close()
    }
}
