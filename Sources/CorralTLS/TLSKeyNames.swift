/// What an operator types to set each TLS file, so that an error or a failed handshake
/// names the setting to fix: ZooKeeper's `ssl.*` / `ssl.quorum.*` keys for Keeper, Mesos'
/// `LIBPROCESS_SSL_*` variables for the cluster.
public struct TLSKeyNames: Sendable, Equatable {
    /// The setting naming this side's certificate chain (and, in one file, its key).
    public var certificate: String
    /// The setting naming the private key's file where it is apart from the chain.
    public var keyFile: String
    /// The setting holding the private key's passphrase, where there is one.
    public var keyPassword: String?
    /// The setting naming the trusted authorities.
    public var trustStore: String
    public var cipherSuites: String
    /// The setting a failed context is reported under.
    public var group: String
    /// What a peer whose handshake failed must hold, for the server's log line.
    public var handshakeAdvice: String

    /// `ssl.keyStore.location`, … under `prefix` (`ssl`, `ssl.quorum`).
    public static func zooKeeper(_ prefix: String) -> TLSKeyNames {
        TLSKeyNames(
            certificate: "\(prefix).keyStore.location", keyFile: "\(prefix).keyStore.location",
            keyPassword: "\(prefix).keyStore.password",
            trustStore: "\(prefix).trustStore.location", cipherSuites: "\(prefix).ciphersuites", group: prefix,
            handshakeAdvice:
                "the other side needs a certificate that \(prefix).trustStore's authorities signed (unless \(prefix).clientAuth is want or none) and a trust store holding this server's authority"
        )
    }

    /// Mesos' libprocess variables.
    public static let libprocess = TLSKeyNames(
        certificate: "LIBPROCESS_SSL_CERT_FILE", keyFile: "LIBPROCESS_SSL_KEY_FILE", keyPassword: nil,
        trustStore: "LIBPROCESS_SSL_CA_FILE", cipherSuites: "LIBPROCESS_SSL_CIPHERS", group: "LIBPROCESS_SSL",
        handshakeAdvice:
            "the client must speak TLS (https://), trust this server's authority (LIBPROCESS_SSL_CA_FILE, curl --cacert) and speak TLS 1.2 or 1.3, and present a certificate of LIBPROCESS_SSL_CA_FILE's authorities where LIBPROCESS_SSL_REQUIRE_CLIENT_CERT is set"
    )
}
