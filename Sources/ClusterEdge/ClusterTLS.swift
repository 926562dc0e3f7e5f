import CorralTLS
import Logging
import NIOConcurrencyHelpers
import NIOSSL

/// A process's TLS for the cluster's HTTP, from Mesos' `LIBPROCESS_SSL_*` variables: the
/// settings, and the client context every connection this process makes uses (made once;
/// a client's files are read at start, as Mesos reads them).
public struct ClusterTLS: Sendable {
    public let ssl: LibprocessSSL
    public let client: HTTPClientTLS

    public init(_ ssl: LibprocessSSL) throws {
        self.ssl = ssl
        client = HTTPClientTLS(context: try TLSContextFactory.client(ssl.clientSettings, names: .libprocess))
    }

    /// The process's settings, or nil when `LIBPROCESS_SSL_ENABLED` is not true.
    public static func fromEnvironment(_ environment: [String: String]) throws -> ClusterTLS? {
        try LibprocessSSL(environment: environment).map(ClusterTLS.init)
    }

    private static let current = NIOLockedValueBox<ClusterTLS?>(nil)

    /// What this process was started with, for the daemons' ports and every request made
    /// without a TLS of its own: libprocess' rule that one process speaks one way.
    public static var process: ClusterTLS? { current.withLockedValue { $0 } }

    /// Sets `process`, once at start, before any connection is made.
    public static func configureProcess(_ tls: ClusterTLS?) { current.withLockedValue { $0 = tls } }

    /// The URL scheme of this process's HTTP ports.
    public static var scheme: String { process == nil ? "http" : "https" }

    /// The server side of a daemon's port: its certificate, reloaded when the files change,
    /// client certificates as `clientCertificates` asks.
    public func serverContext(logger: Logger) throws -> ReloadingTLSContext {
        try ReloadingTLSContext(ssl.serverSettings, logger: logger) {
            try TLSContextFactory.server($0, names: .libprocess)
        }
    }
}

/// The TLS a request is made with: the authorities its server's certificate is checked
/// against, and this process's certificate if it has one.
public struct HTTPClientTLS: Sendable {
    public let context: NIOSSLContext

    public init(context: NIOSSLContext) {
        self.context = context
    }
}
