import AppsCore
import Glibc
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

    /// A probe with a timeout generous enough for a loaded CI machine (the simulations
    /// share its two cores): these tests are about the verdict, not the timeout.
    private func probe(_ kind: HealthCheckProtocol, port: Int, ignore1xx: Bool = false) -> HealthProbe {
        HealthProbe(
            taskID: "t", check: 0, protocol: kind, host: "127.0.0.1", port: port, path: "/health", timeoutSeconds: 10,
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
        // A port bound but not listening refuses connections, and no other test can take
        // it meanwhile (a port merely closed could be handed to a parallel test's listener).
        let (socket, refusing) = try Self.boundNotListening()
        defer { close(socket) }
        guard case .failed(let cause) = await HealthProber.run(probe(.tcp, port: refusing)) else {
            Issue.record("a port nothing listens on passed")
            return
        }
        #expect(cause.contains("refused"))
    }

    /// A TCP socket bound to a free port of 127.0.0.1 that does not listen, and the port.
    private static func boundNotListening() throws -> (Int32, Int) {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(fd, pointer, length) == 0 && getsockname(fd, pointer, &length) == 0
            }
        }
        guard fd >= 0, bound else { throw ProbeTestError.noSocket }
        return (fd, Int(UInt16(bigEndian: address.sin_port)))
    }

    enum ProbeTestError: Error { case noSocket }

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
