/// One TLS endpoint's settings in ZooKeeper's terms (`ssl.*` for the client port,
/// `ssl.quorum.*` between servers), read from PEM files.
public struct TLSSettings: Sendable, Equatable {
    /// `ssl.clientAuth`: whether a server asks for a client certificate and requires it.
    public enum ClientAuth: String, Sendable {
        case none, want, need
    }

    /// The TLS versions Keeper speaks, as `ssl.protocol` names them.
    public enum Version: String, Sendable, Comparable {
        case tls12 = "TLSv1.2"
        case tls13 = "TLSv1.3"

        public static func < (a: Version, b: Version) -> Bool { a == .tls12 && b == .tls13 }
    }

    /// `ssl.keyStore.location`: one PEM file with the private key and the certificate
    /// chain, this endpoint's own certificate first.
    public var keyStore: String?
    /// The private key in a file of its own, for a client given key and certificate apart
    /// (as kazoo and curl take them); nil when the key store holds it.
    public var keyFile: String?
    /// `ssl.keyStore.password`: the passphrase of an encrypted private key.
    public var keyStorePassword: String?
    /// `ssl.trustStore.location`: PEM certificates of the authorities whose certificates
    /// are trusted; without it, the system's.
    public var trustStore: String?
    public var clientAuth = ClientAuth.need
    /// The versions spoken. ZooKeeper 3.8 speaks only `ssl.protocol` (TLSv1.2 by default)
    /// unless `ssl.enabledProtocols` lists more; Keeper speaks both unless told one.
    public var versions: ClosedRange<Version> = .tls12 ... .tls13
    /// `ssl.ciphersuites`: IANA names (as Java writes them); empty for the defaults.
    public var cipherSuites: [String] = []
    /// `ssl.hostnameVerification`: a client checks that the server's certificate names the
    /// host it dialled.
    public var hostnameVerification = true
    /// A client checks the server's certificate at all (Mesos'
    /// `LIBPROCESS_SSL_VERIFY_SERVER_CERT=false` turns it off; Keeper always checks).
    public var peerVerification = true
    /// Reads the files again when they change, for connections made after.
    public var reloadOnChange = true

    public init(
        keyStore: String? = nil, keyStorePassword: String? = nil, trustStore: String? = nil,
        clientAuth: ClientAuth = .need
    ) {
        self.keyStore = keyStore
        self.keyStorePassword = keyStorePassword
        self.trustStore = trustStore
        self.clientAuth = clientAuth
    }

    /// The files whose change means new contexts.
    var files: [String] { [keyStore, keyFile, trustStore].compactMap { $0 } }
}
