import NIOCore
import NIOHTTP1
import NIOPosix

/// One keep-alive HTTP/1.1 connection for a stream of calls to one server, one at a time
/// in order: how agents post status updates and schedulers post calls without a TCP
/// handshake each. A task owns the connection; calls queue for it. A failed exchange fails
/// that call and closes the connection; the next call opens a new one. A connection idle
/// for `idleReuseMax` is not reused (servers close idle connections: Corral's after 60 s),
/// so a call never goes out on one the server may be closing.
public final class HTTPConnection: Sendable {
    public let host: String
    public let port: Int
    /// The largest response body read (the calls' answers are small).
    public let bodyBytesMax: Int
    public static let idleReuseMax: Duration = .seconds(20)
    private let queue: AsyncStream<Exchange>.Continuation
    private let worker: Task<Void, Never>

    /// One call and the caller waiting for its answer.
    struct Exchange: Sendable {
        var method: String
        var target: String
        var headers: [(String, String)]
        var body: [UInt8]
        var answer: CheckedContinuation<(head: HTTPResponseHead, body: [UInt8]), any Error>
    }

    /// Speaks TLS as `tls` says: this process's (`ClusterTLS.process`) unless given.
    public init(
        host: String, port: Int, bodyBytesMax: Int = 1 << 20, tls: HTTPClientTLS? = ClusterTLS.process?.client
    ) {
        self.host = host
        self.port = port
        self.bodyBytesMax = bodyBytesMax
        let (stream, continuation) = AsyncStream.makeStream(of: Exchange.self)
        queue = continuation
        worker = Task { await Self.serve(stream, host: host, port: port, bodyBytesMax: bodyBytesMax, tls: tls) }
    }

    deinit {
        queue.finish()
        worker.cancel()
    }

    /// Sends a request on the connection and reads the whole answer.
    public func send(
        method: String = "POST", target: String, headers: [(String, String)] = [], body: [UInt8] = []
    ) async throws -> (head: HTTPResponseHead, body: [UInt8]) {
        try await withCheckedThrowingContinuation { answer in
            let exchange = Exchange(method: method, target: target, headers: headers, body: body, answer: answer)
            if case .terminated = queue.yield(exchange) {
                answer.resume(throwing: HTTPClientError.closedEarly)
            }
        }
    }

    /// Stops taking calls; the connection closes once the queue is empty.
    public func close() { queue.finish() }

    private static func serve(
        _ stream: AsyncStream<Exchange>, host: String, port: Int, bodyBytesMax: Int, tls: HTTPClientTLS?
    ) async {
        var calls = stream.makeAsyncIterator()
        var carried: Exchange?
        let clock = ContinuousClock()
        while true {
            let next: Exchange?
            if let carried {
                next = carried
            } else {
                next = await calls.next()
            }
            carried = nil
            guard let first = next else { return }
            let channel: NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart>
            do {
                channel = try await HTTPClient.connect(host: host, port: port, timeout: .seconds(5), tls: tls)
            } catch {
                first.answer.resume(throwing: error)
                continue
            }
            try? await channel.executeThenClose { inbound, outbound in
                var responses = inbound.makeAsyncIterator()
                var current: Exchange? = first
                while let exchange = current {
                    do {
                        try await HTTPClient.write(
                            method: exchange.method, host: host, port: port, target: exchange.target,
                            headers: exchange.headers, body: exchange.body, to: outbound)
                        let answer = try await readAnswer(&responses, bodyBytesMax: bodyBytesMax)
                        exchange.answer.resume(returning: answer)
                        if answer.head.header("Connection")?.lowercased() == "close" { return }
                    } catch {
                        exchange.answer.resume(
                            throwing: HTTPClientError.tlsRefusal(error, host: host, port: port) ?? error)
                        return
                    }
                    let idleSince = clock.now
                    current = await calls.next()
                    if current != nil, clock.now - idleSince > idleReuseMax {
                        carried = current
                        return
                    }
                }
            }
        }
    }

    private static func readAnswer(
        _ responses: inout NIOAsyncChannelInboundStream<HTTPClientResponsePart>.AsyncIterator, bodyBytesMax: Int
    ) async throws -> (head: HTTPResponseHead, body: [UInt8]) {
        var head: HTTPResponseHead?
        var body: [UInt8] = []
        while let part = try await responses.next() {
            switch part {
            case .head(let received):
                head = HTTPResponseHead(
                    status: Int(received.status.code), headers: received.headers.map { ($0.name, $0.value) })
            case .body(let buffer):
                body += buffer.readableBytesView
                if body.count > bodyBytesMax { throw HTTPClientError.bodyTooLarge(limit: bodyBytesMax) }
            case .end:
                guard let head else { throw HTTPClientError.closedEarly }
                return (head, body)
            }
        }
        throw HTTPClientError.closedEarly
    }
}
