import CorralTLS
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL

/// A small HTTP/1.1 client on SwiftNIO: one connection per request, the response body
/// read as it arrives, so a subscription stream (RecordIO over chunked encoding) can be
/// consumed for as long as it lasts. Hummingbird ships no client, and this is all the
/// cluster's own clients need.
public enum HTTPClient {
    /// How long a connect to where a standby's redirect points may take: a redirect is a
    /// hint, and a standby that has not yet noticed a leader cut off points at it, where a
    /// connect hangs (found by test_netns).
    public static let redirectConnectTimeout: Duration = .seconds(1)

    /// Sends `request` and hands the response head and its body, chunk by chunk, to
    /// `handle`; the connection closes when `handle` returns or throws.
    public static func withResponse<T: Sendable>(
        _ request: HTTPRequestSpec, connectTimeout: Duration = .seconds(5),
        _ handle: (HTTPResponseHead, inout HTTPBodyChunks) async throws -> T
    ) async throws -> T {
        let (seconds, attoseconds) = connectTimeout.components
        let timeout = TimeAmount.nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
        let channel = try await connect(host: request.host, port: request.port, timeout: timeout, tls: request.tls)
        return try await channel.executeThenClose { inbound, outbound in
            // A server may answer and close before it has read the whole request (a 413,
            // a health endpoint that answers the first bytes): its answer is what the
            // caller needs, not the write that the close cut off.
            var writeFailure: (any Error)?
            do {
                try await write(
                    method: request.method, host: request.host, port: request.port, target: request.target,
                    headers: request.headers, body: request.body, to: outbound)
            } catch {
                writeFailure = error
            }
            var iterator = inbound.makeAsyncIterator()
            let head: HTTPResponseHead
            do {
                head = try await readHead(&iterator)
            } catch {
                throw HTTPClientError.tlsRefusal(error, host: request.host, port: request.port)
                    ?? writeFailure ?? error
            }
            var chunks = HTTPBodyChunks(iterator: iterator)
            return try await handle(head, &chunks)
        }
    }

    /// Sends `request` and collects the whole response, its body at most `bodyBytesMax`,
    /// all within `timeout`.
    public static func send(
        _ request: HTTPRequestSpec, bodyBytesMax: Int = 64 << 20, timeout: Duration = .seconds(30)
    ) async throws -> (head: HTTPResponseHead, body: [UInt8]) {
        try await withThrowingTaskGroup(of: (HTTPResponseHead, [UInt8])?.self) { group in
            group.addTask {
                try await withResponse(request) { head, chunks in
                    var body: [UInt8] = []
                    while let chunk = try await chunks.next() {
                        body += chunk
                        if body.count > bodyBytesMax { throw HTTPClientError.bodyTooLarge(limit: bodyBytesMax) }
                    }
                    return (head, body)
                }
            }
            group.addTask {
                try await Task.sleep(for: timeout)
                return nil
            }
            defer { group.cancelAll() }
            guard let result = try await group.next(), let response = result else {
                throw HTTPClientError.timedOut(seconds: Double(timeout.components.seconds))
            }
            return response
        }
    }

    /// Connects, or throws CancellationError as soon as the task is cancelled: a host cut
    /// off drops the SYN, and the connect would hold a caller that has moved on (an agent
    /// whose leader changed) for the whole connect timeout. A connection made after that
    /// is closed.
    static func connect(
        host: String, port: Int, timeout: TimeAmount, tls: HTTPClientTLS?
    ) async throws -> NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart> {
        let race = ConnectRace()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                guard race.wait(continuation) else { return }
                Task {
                    do {
                        let channel = try await connectOnce(host: host, port: port, timeout: timeout, tls: tls)
                        if !race.finish(.success(channel)) { try? await channel.executeThenClose { _, _ in } }
                    } catch {
                        race.finish(.failure(error))
                    }
                }
            }
        } onCancel: {
            race.finish(.failure(CancellationError()))
        }
    }

    private static func connectOnce(
        host: String, port: Int, timeout: TimeAmount, tls: HTTPClientTLS?
    ) async throws -> NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart> {
        let (channel, handshake) = try await open(host: host, port: port, timeout: timeout, tls: tls)
        guard let handshake else { return channel }
        do {
            // A server that accepts and never finishes the handshake must not hold the
            // caller: the handshake has as long as servers give clients.
            let limit = channel.channel.eventLoop.scheduleTask(in: TLSPeerHandler.handshakeTimeout) {
                channel.channel.close(promise: nil)
            }
            defer { limit.cancel() }
            try await handshake.get()
            return channel
        } catch {
            try? await channel.executeThenClose { _, _ in }
            throw HTTPClientError.tlsFailed(host: host, port: port, reason: "\(error)")
        }
    }

    /// The connection, and with TLS, the handshake that must succeed before it is used.
    private static func open(
        host: String, port: Int, timeout: TimeAmount, tls: HTTPClientTLS?
    ) async throws -> (NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart>, EventLoopFuture<Void>?) {
        do {
            return try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .connectTimeout(timeout)
                .channelOption(.socketOption(.tcp_nodelay), value: 1)
                .connect(host: host, port: port) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        let pipeline = channel.pipeline.syncOperations
                        var handshake: EventLoopFuture<Void>?
                        if let tls {
                            let watch = TLSHandshakeWatch(promise: channel.eventLoop.makePromise())
                            handshake = watch.promise.futureResult
                            try pipeline.addHandlers(
                                try NIOSSLClientHandler(
                                    context: tls.context, serverHostname: TLSContextFactory.serverName(for: host)),
                                watch)
                        }
                        try pipeline.addHTTPClientHandlers()
                        let wrapped = try NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart>(
                            wrappingChannelSynchronously: channel)
                        return (wrapped, handshake)
                    }
                }
        } catch {
            throw HTTPClientError.connectFailed(host: host, port: port, reason: "\(error)")
        }
    }

    static func write(
        method: String, host: String, port: Int, target: String, headers: [(String, String)], body: [UInt8],
        to outbound: NIOAsyncChannelOutboundWriter<HTTPClientRequestPart>
    ) async throws {
        var fields = HTTPHeaders()
        fields.add(name: "Host", value: "\(host):\(port)")
        for (name, value) in headers { fields.add(name: name, value: value) }
        if method != "GET" || !body.isEmpty { fields.add(name: "Content-Length", value: String(body.count)) }
        let head = HTTPRequestHead(
            version: .http1_1, method: HTTPMethod(rawValue: method), uri: target, headers: fields)
        var parts: [HTTPClientRequestPart] = [.head(head)]
        if !body.isEmpty { parts.append(.body(.byteBuffer(ByteBuffer(bytes: body)))) }
        parts.append(.end(nil))
        try await outbound.write(contentsOf: parts)
    }

    private static func readHead(
        _ iterator: inout NIOAsyncChannelInboundStream<HTTPClientResponsePart>.AsyncIterator
    ) async throws -> HTTPResponseHead {
        while let part = try await iterator.next() {
            guard case .head(let head) = part else { continue }
            return HTTPResponseHead(status: Int(head.status.code), headers: head.headers.map { ($0.name, $0.value) })
        }
        throw HTTPClientError.closedEarly
    }
}

/// A response body as it arrives: chunks of bytes, nil at the end.
public struct HTTPBodyChunks {
    var iterator: NIOAsyncChannelInboundStream<HTTPClientResponsePart>.AsyncIterator
    var ended = false

    public mutating func next() async throws -> [UInt8]? {
        guard !ended else { return nil }
        while let part = try await iterator.next() {
            switch part {
            case .body(let buffer): return Array(buffer.readableBytesView)
            case .end:
                ended = true
                return nil
            case .head: continue
            }
        }
        throw HTTPClientError.closedEarly
    }
}
