import Logging
import NIOCore
import NIOEmbedded
import Testing

@testable import CorralTLS

@Suite("the server's TLS handshake watch")
struct TLSPeerHandlerTests {
    @Test("a connection that does not finish its handshake in time is closed; one that does is not")
    func handshakeTimeout() throws {
        let silent = EmbeddedChannel()
        try silent.pipeline.syncOperations.addHandler(
            TLSPeerHandler(logger: Logger(label: "test"), timeout: .milliseconds(100)))
        try silent.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).wait()
        silent.embeddedEventLoop.advanceTime(by: .milliseconds(99))
        #expect(silent.isActive)
        silent.embeddedEventLoop.advanceTime(by: .milliseconds(1))
        #expect(!silent.isActive)
    }
}
