import NIOCore
import NIOSSL

/// A TLS setting that cannot be used, naming the key and what to do.
public struct TLSSetupError: Error, CustomStringConvertible, Equatable {
    public let key: String
    public let message: String

    public init(key: String, message: String) {
        self.key = key
        self.message = message
    }

    public var description: String { "\(key): \(message)" }
}

/// Builds swift-nio-ssl contexts from `TLSSettings`: the key store is one PEM file with
/// the private key and the certificate chain (ZooKeeper's `ssl.keyStore.type=PEM`), the
/// trust store a PEM file of authorities.
public enum TLSContextFactory {
    /// A server's context: its certificate, and client certificates asked for, required or
    /// not, as `clientAuth` says.
    public static func server(_ settings: TLSSettings, names: TLSKeyNames = .zooKeeper("ssl")) throws -> NIOSSLContext {
        guard let keyStore = settings.keyStore else {
            throw TLSSetupError(
                key: names.certificate,
                message: "a TLS port needs a PEM file with this server's certificate chain (and its private key)")
        }
        let (chain, key) = try identity(settings, keyStore, names: names)
        var configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key))
        switch settings.clientAuth {
        case .none: configuration.certificateVerification = .none
        case .want: configuration.certificateVerification = .optionalVerification
        case .need: configuration.certificateVerification = .noHostnameVerification
        }
        try apply(settings, to: &configuration, names: names)
        return try context(configuration, names: names)
    }

    /// A client's context: the server's certificate checked against the trust store (and
    /// its name, with `hostnameVerification`), and this client's certificate if it has one.
    public static func client(_ settings: TLSSettings, names: TLSKeyNames = .zooKeeper("ssl")) throws -> NIOSSLContext {
        var configuration = TLSConfiguration.makeClientConfiguration()
        if let keyStore = settings.keyStore {
            let (chain, key) = try identity(settings, keyStore, names: names)
            configuration.certificateChain = chain.map { .certificate($0) }
            configuration.privateKey = .privateKey(key)
        }
        configuration.certificateVerification =
            !settings.peerVerification
            ? .none : settings.hostnameVerification ? .fullVerification : .noHostnameVerification
        try apply(settings, to: &configuration, names: names)
        return try context(configuration, names: names)
    }

    /// The name a client sends (SNI) and checks the server's certificate against: the host
    /// dialled, or nil for an address, which is checked against the certificate's IP entries.
    public static func serverName(for host: String) -> String? {
        (try? SocketAddress(ipAddress: host, port: 0)) == nil ? host : nil
    }

    private static func apply(
        _ settings: TLSSettings, to configuration: inout TLSConfiguration, names: TLSKeyNames
    ) throws {
        if let trustStore = settings.trustStore {
            configuration.trustRoots = .certificates(
                try certificates(trustStore, key: names.trustStore))
        }
        configuration.minimumTLSVersion = version(settings.versions.lowerBound)
        configuration.maximumTLSVersion = version(settings.versions.upperBound)
        if !settings.cipherSuites.isEmpty {
            configuration.cipherSuiteValues = try settings.cipherSuites.map { name in
                guard let cipher = CipherSuiteNames.cipher(named: name) else {
                    throw TLSSetupError(
                        key: names.cipherSuites,
                        message:
                            "\(name) is not a cipher suite Corral offers; use one of \(CipherSuiteNames.names.joined(separator: ", "))"
                    )
                }
                return cipher
            }
        }
    }

    private static func version(_ version: TLSSettings.Version) -> TLSVersion {
        switch version {
        case .tls12: return .tlsv12
        case .tls13: return .tlsv13
        }
    }

    private static func context(_ configuration: TLSConfiguration, names: TLSKeyNames) throws -> NIOSSLContext {
        do {
            return try NIOSSLContext(configuration: configuration)
        } catch {
            throw TLSSetupError(
                key: names.group, message: "the TLS settings do not make a usable context (\(error)); check the files")
        }
    }

    /// The private key and the certificate chain: one PEM file, or the key apart.
    static func identity(
        _ settings: TLSSettings, _ chainPath: String, names: TLSKeyNames
    ) throws -> ([NIOSSLCertificate], NIOSSLPrivateKey) {
        let chain = try certificates(chainPath, key: names.certificate)
        let path = settings.keyFile ?? chainPath
        let key = settings.keyFile == nil ? names.certificate : names.keyFile
        let encrypted = names.keyPassword.map { " (an encrypted one needs \($0))" } ?? " (not encrypted)"
        let privateKey: NIOSSLPrivateKey
        do {
            if let password = settings.keyStorePassword {
                privateKey = try NIOSSLPrivateKey(file: path, format: .pem) { setter in setter(Array(password.utf8)) }
            } else {
                privateKey = try NIOSSLPrivateKey(file: path, format: .pem)
            }
        } catch {
            throw TLSSetupError(
                key: key,
                message:
                    "\(path) has no private key Corral can read (\(error)); it must be a PEM file holding the key\(encrypted)"
            )
        }
        return (chain, privateKey)
    }

    static func certificates(_ path: String, key: String) throws -> [NIOSSLCertificate] {
        let chain: [NIOSSLCertificate]
        do {
            chain = try NIOSSLCertificate.fromPEMFile(path)
        } catch {
            throw TLSSetupError(
                key: key, message: "cannot read certificates from \(path) (\(error)); is it a PEM file?")
        }
        guard !chain.isEmpty else {
            throw TLSSetupError(key: key, message: "\(path) holds no certificate; it must be a PEM file")
        }
        return chain
    }
}
