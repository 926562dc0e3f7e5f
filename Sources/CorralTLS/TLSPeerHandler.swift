import Logging
import NIOCore
import NIOSSL
import NIOTLS

/// What a server learns of a client when its TLS handshake completes: the subject of the
/// certificate it presented (RFC 2253, as ZooKeeper's x509 scheme names it), if any.
public struct TLSPeerIdentity: Sendable, Equatable {
    public let certificateSubject: String?
    /// The certificate's subject alternative names: DNS names (lowercased) and IPv4
    /// addresses, for a server that must prove which host it is.
    public let names: [String]

    public init(certificateSubject: String?, names: [String] = []) {
        self.certificateSubject = certificateSubject
        self.names = names
    }

    /// Whether the certificate names `host` (a DNS name or an IPv4 address).
    public func names(host: String) -> Bool { names.contains(host.lowercased()) }
}

/// Sits behind a server's TLS handler: closes a connection whose handshake has not
/// completed within `handshakeTimeout` (a client that connects and sends nothing holds a
/// socket otherwise), logs a failed handshake once with what the client must fix, and
/// passes a `TLSPeerIdentity` on when the handshake completes.
public final class TLSPeerHandler: ChannelInboundHandler, RemovableChannelHandler {
    public typealias InboundIn = NIOAny

    /// How long a client has for its handshake (Netty's SslHandler default in ZooKeeper).
    public static let handshakeTimeout = TimeAmount.seconds(10)

    private let logger: Logger
    /// The settings the log line names.
    private let names: TLSKeyNames
    private let timeout: TimeAmount
    private var deadline: Scheduled<Void>?
    private var reported = false

    public init(
        logger: Logger, names: TLSKeyNames = .zooKeeper("ssl"), timeout: TimeAmount = TLSPeerHandler.handshakeTimeout
    ) {
        self.logger = logger
        self.names = names
        self.timeout = timeout
    }

    public func handlerAdded(context: ChannelHandlerContext) {
        let channel = context.channel
        let logger = logger
        let remote = Self.describe(channel.remoteAddress)
        let limit = Self.describe(timeout)
        deadline = context.eventLoop.scheduleTask(in: timeout) {
            logger.warning("closing connection from \(remote): no TLS handshake within \(limit)")
            channel.close(promise: nil)
        }
    }

    public func handlerRemoved(context: ChannelHandlerContext) {
        deadline?.cancel()
        deadline = nil
    }

    public func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        guard case .handshakeCompleted = event as? TLSUserEvent else {
            return context.fireUserInboundEventTriggered(event)
        }
        deadline?.cancel()
        deadline = nil
        let certificate = try? context.pipeline.syncOperations.nioSSL_peerCertificate()
        var subject: String?
        if let der = try? certificate?.toDERBytes() {
            do {
                subject = try CertificateSubject.name(certificateDER: der)
            } catch {
                logger.warning("closing connection from \(Self.describe(context.channel.remoteAddress)): \(error)")
                context.close(promise: nil)
                return
            }
        }
        context.fireUserInboundEventTriggered(event)
        context.fireUserInboundEventTriggered(
            TLSPeerIdentity(certificateSubject: subject, names: certificate.map(Self.alternativeNames) ?? []))
        context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
    }

    public func errorCaught(context: ChannelHandlerContext, error: Error) {
        if !reported, error is NIOSSLError || error is BoringSSLError {
            reported = true
            logger.warning(
                "TLS handshake with \(Self.describe(context.channel.remoteAddress)) failed: \(error); \(names.handshakeAdvice)"
            )
        }
        context.fireErrorCaught(error)
    }

    static func alternativeNames(_ certificate: NIOSSLCertificate) -> [String] {
        certificate._subjectAlternativeNames().compactMap { name in
            let bytes = name.contents.withUnsafeBufferPointer { Array($0) }
            switch name.nameType {
            case .dnsName: return String(decoding: bytes, as: UTF8.self).lowercased()
            case .ipAddress where bytes.count == 4: return bytes.map(String.init).joined(separator: ".")
            default: return nil
            }
        }
    }

    static func describe(_ address: SocketAddress?) -> String {
        guard let address, let ip = address.ipAddress else { return "?" }
        return "\(ip):\(address.port ?? 0)"
    }

    static func describe(_ amount: TimeAmount) -> String { "\(amount.nanoseconds / 1_000_000_000) s" }
}
