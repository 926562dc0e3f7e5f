import AppsCore
import NIOCore
import NIOPosix
import Testing

@testable import AppsServer

/// Health probes against real listeners on 127.0.0.1.
@Suite struct HealthProberTests {
    /// A listener that answers every connection with `response` and closes; its port.
    private static func answering(_ response: String) async throws -> (Channel, Int) {
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .childChannelInitializer { channel in
                channel.pipeline.addHandler(Responder(response: response))
            }
            .bind(host: "127.0.0.1", port: 0).get()
        return (channel, channel.localAddress!.port!)
    }

    private final class Responder: ChannelInboundHandler, Sendable {
        typealias InboundIn = ByteBuffer
        typealias OutboundOut = ByteBuffer
        let response: String

        init(response: String) { self.response = response }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: response)), promise: nil)
            context.close(promise: nil)
        }
    }

    private func probe(_ kind: HealthCheckProtocol, port: Int, ignore1xx: Bool = false) -> HealthProbe {
        HealthProbe(
            taskID: "t", check: 0, protocol: kind, host: "127.0.0.1", port: port, path: "/health", timeoutSeconds: 2,
            ignoreHttp1xx: ignore1xx)
    }

    @Test func httpPassesOn2xxAnd3xxAndFailsOtherwise() async throws {
        for (status, expected) in [(200, true), (302, true), (404, false), (503, false)] {
            let (channel, port) = try await Self.answering("HTTP/1.1 \(status) X\r\nContent-Length: 0\r\n\r\n")
            let result = await HealthProber.run(probe(.http, port: port))
            #expect((result == .passed) == expected, "\(status): \(String(describing: result))")
            try await channel.close()
        }
    }

    @Test func tcpPassesWhenTheTaskListensAndFailsWhenRefused() async throws {
        let (channel, port) = try await Self.answering("")
        #expect(await HealthProber.run(probe(.tcp, port: port)) == .passed)
        try await channel.close()
        guard case .failed(let cause) = await HealthProber.run(probe(.tcp, port: port)) else {
            Issue.record("a closed port passed")
            return
        }
        #expect(cause.contains("refused"))
    }

    @Test func httpThatNeverAnswersFailsAfterItsTimeout() async throws {
        let silent = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .bind(host: "127.0.0.1", port: 0).get()
        var check = probe(.http, port: silent.localAddress!.port!)
        check.timeoutSeconds = 1
        let result = await HealthProber.run(check)
        #expect(result != .passed && result != nil)
        try await silent.close()
    }
}
