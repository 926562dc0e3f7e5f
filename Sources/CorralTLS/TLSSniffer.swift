import Logging
import NIOCore
import NIOSSL

/// What a listener that takes both TLS and plaintext puts in front of an accepted
/// connection: TLS when the first byte is a TLS handshake record's (22), plaintext
/// otherwise. Keeper's quorum port under `portUnification` and a cluster daemon under
/// `LIBPROCESS_SSL_SUPPORT_DOWNGRADE` use it, so that servers switch to TLS one at a time.
public final class TLSSniffer: ChannelInboundHandler, RemovableChannelHandler {
    public typealias InboundIn = ByteBuffer

    /// A TLS record of type handshake starts with this byte; a quorum frame starts with the
    /// high byte of its length, which is never 22 for a hello, and an HTTP request with a
    /// method's first letter.
    public static let handshakeRecord: UInt8 = 22

    private let tls: ReloadingTLSContext
    private let names: TLSKeyNames
    private let logger: Logger

    public init(tls: ReloadingTLSContext, names: TLSKeyNames, logger: Logger) {
        self.tls = tls
        self.names = names
        self.logger = logger
    }

    /// The TLS handlers of a server connection: the handshake, then its watch.
    public static func addTLS(
        to pipeline: ChannelPipeline.SynchronousOperations, context: NIOSSLContext, names: TLSKeyNames,
        logger: Logger, position: ChannelPipeline.SynchronousOperations.Position = .first
    ) throws {
        try pipeline.addHandlers(
            [NIOSSLServerHandler(context: context), TLSPeerHandler(logger: logger, names: names)],
            position: position)
    }

    public func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer = unwrapInboundIn(data)
        if buffer.readableBytesView.first == Self.handshakeRecord {
            do {
                try Self.addTLS(
                    to: context.pipeline.syncOperations, context: tls.current(), names: names, logger: logger,
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
