import CorralTLS
import Logging
import NIOCore
import NIOSSL

/// What a quorum listener puts in front of an accepted connection: TLS always
/// (`sslQuorum` without portUnification), or, with `portUnification`, TLS when the first
/// byte is a TLS handshake record's (22) and plaintext otherwise, so that servers can switch
/// to TLS one at a time.
final class QuorumTLSSniffer: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer

    /// A TLS record of type handshake starts with this byte; a quorum frame starts with the
    /// high byte of its length, which is never 22 for a hello.
    static let handshakeRecord: UInt8 = 22

    private let tls: ReloadingTLSContext
    private let logger: Logger

    init(tls: ReloadingTLSContext, logger: Logger) {
        self.tls = tls
        self.logger = logger
    }

    /// TLS handlers in front of a quorum connection's.
    static func addTLS(
        to pipeline: ChannelPipeline.SynchronousOperations, context: NIOSSLContext, logger: Logger,
        position: ChannelPipeline.SynchronousOperations.Position = .first
    ) throws {
        try pipeline.addHandlers(
            [NIOSSLServerHandler(context: context), TLSPeerHandler(logger: logger, prefix: "ssl.quorum")],
            position: position)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer = unwrapInboundIn(data)
        if buffer.readableBytesView.first == Self.handshakeRecord {
            do {
                try Self.addTLS(
                    to: context.pipeline.syncOperations, context: tls.current(), logger: logger,
                    position: .after(self))
            } catch {
                context.close(promise: nil)
                return
            }
        }
        context.fireChannelRead(data)
        context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
    }
}
