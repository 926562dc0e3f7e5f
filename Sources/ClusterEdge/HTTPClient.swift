import NIOCore
import NIOHTTP1
import NIOPosix

/// A small HTTP/1.1 client on SwiftNIO: one connection per request, the response body
/// read as it arrives, so a subscription stream (RecordIO over chunked encoding) can be
/// consumed for as long as it lasts. Hummingbird ships no client, and this is all the
/// cluster's own clients need.
public enum HTTPClient {
    /// Sends `request` and hands the response head and its body, chunk by chunk, to
    /// `handle`; the connection closes when `handle` returns or throws.
    public static func withResponse<T: Sendable>(
        _ request: HTTPRequestSpec, connectTimeout: TimeAmount = .seconds(5),
        _ handle: (HTTPResponseHead, inout HTTPBodyChunks) async throws -> T
    ) async throws -> T {
        let channel = try await connect(request, timeout: connectTimeout)
        return try await channel.executeThenClose { inbound, outbound in
            try await write(request, to: outbound)
            var iterator = inbound.makeAsyncIterator()
            let head = try await readHead(&iterator)
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

    private static func connect(
        _ request: HTTPRequestSpec, timeout: TimeAmount
    ) async throws -> NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart> {
        do {
            return try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .connectTimeout(timeout)
                .channelOption(.socketOption(.tcp_nodelay), value: 1)
                .connect(host: request.host, port: request.port) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHTTPClientHandlers()
                        return try NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart>(
                            wrappingChannelSynchronously: channel)
                    }
                }
        } catch {
            throw HTTPClientError.connectFailed(host: request.host, port: request.port, reason: "\(error)")
        }
    }

    private static func write(
        _ request: HTTPRequestSpec, to outbound: NIOAsyncChannelOutboundWriter<HTTPClientRequestPart>
    ) async throws {
        var headers = HTTPHeaders()
        headers.add(name: "Host", value: "\(request.host):\(request.port)")
        for (name, value) in request.headers { headers.add(name: name, value: value) }
        if request.method != "GET" || !request.body.isEmpty {
            headers.add(name: "Content-Length", value: String(request.body.count))
        }
        let head = HTTPRequestHead(
            version: .http1_1, method: HTTPMethod(rawValue: request.method), uri: request.target, headers: headers)
        try await outbound.write(.head(head))
        if !request.body.isEmpty { try await outbound.write(.body(.byteBuffer(ByteBuffer(bytes: request.body)))) }
        try await outbound.write(.end(nil))
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
