import CorralTLS
import HummingbirdCore
import Logging
import NIOCore

/// A daemon's HTTP port over TLS: each accepted connection gets the TLS handlers (or, with
/// `LIBPROCESS_SSL_SUPPORT_DOWNGRADE`, a sniffer that adds them when the first byte is a
/// handshake's) in front of Hummingbird's HTTP/1.1 channel. Hummingbird's own TLS channel
/// makes its context once; this one follows the certificate files.
struct HTTPSChannel: HTTPChannelHandler {
    typealias Value = HTTP1Channel.Value

    let base: HTTP1Channel
    let tls: ReloadingTLSContext
    let supportDowngrade: Bool

    var responder: HTTPChannelHandler.Responder { base.responder }

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        channel.eventLoop.makeCompletedFuture {
            let pipeline = channel.pipeline.syncOperations
            if supportDowngrade {
                try pipeline.addHandler(TLSSniffer(tls: tls, names: .libprocess, logger: logger))
            } else {
                try TLSSniffer.addTLS(to: pipeline, context: tls.current(), names: .libprocess, logger: logger)
            }
        }.flatMap {
            base.setup(channel: channel, logger: logger)
        }
    }

    func handle(value: Value, logger: Logger) async {
        await base.handle(value: value, logger: logger)
    }
}

/// How the cluster's daemons (masters, agents, Apps) serve HTTP: HTTP/1.1 with idle
/// connections closed after a minute, over TLS when the process was started with it.
public enum ClusterHTTPServer {
    public static let idleTimeout = TimeAmount.seconds(60)

    public static func builder(tls: ClusterTLS?, logger: Logger) throws -> HTTPServerBuilder {
        let configuration = HTTP1Channel.Configuration(idleTimeout: idleTimeout)
        guard let tls else { return .http1(configuration: configuration) }
        let context = try tls.serverContext(logger: logger)
        let downgrade = tls.ssl.supportDowngrade
        return HTTPServerBuilder { responder in
            HTTPSChannel(
                base: HTTP1Channel(responder: responder, configuration: configuration), tls: context,
                supportDowngrade: downgrade)
        }
    }

    /// What the start line says of the port.
    public static func describe(_ tls: ClusterTLS?) -> String {
        guard let tls else { return "HTTP" }
        return tls.ssl.supportDowngrade ? "HTTPS, plaintext HTTP too" : "HTTPS"
    }
}
