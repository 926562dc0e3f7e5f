import ClusterEdge
import NIOCore
import NIOPosix
import Testing

/// A server that answers `response` on the first bytes of a request, stops reading and
/// closes its side: the rest of the request can no longer be sent.
private final class EarlyAnswerer: ChannelInboundHandler, Sendable {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer
    let response: String

    init(response: String) { self.response = response }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        context.channel.setOption(.autoRead, value: false).whenComplete { _ in }
        context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: response)), promise: nil)
        context.close(mode: .output, promise: nil)
    }
}

@Suite("the HTTP client and a server that answers early")
struct HTTPClientEarlyAnswerTests {
    /// A health check failed with "I/O on closed channel" on a loaded machine: the probed
    /// server answered the request head and closed before the client wrote the request's
    /// end, and the client reported the failed write instead of the answer.
    @Test("the answer of a server that closes before reading the whole request is returned, not the cut-off write")
    func answerBeforeTheRequestEnds() async throws {
        let server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .childChannelInitializer { channel in
                channel.pipeline.addHandler(
                    EarlyAnswerer(
                        response: "HTTP/1.1 413 Payload Too Large\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"))
            }
            .bind(host: "127.0.0.1", port: 0).get()
        let body = [UInt8](repeating: 0x61, count: 64 << 20)
        let request = HTTPRequestSpec(
            method: "POST", host: "127.0.0.1", port: server.localAddress!.port!, target: "/upload", headers: [],
            body: body)
        let (head, _) = try await HTTPClient.send(request, timeout: .seconds(60))
        #expect(head.status == 413)
        try await server.close()
    }
}
