/// TLS for the cluster's HTTP ports and its clients, set as Mesos sets it: by the
/// `LIBPROCESS_SSL_*` environment variables of every process (master, agent, Apps, the
/// `corral` commands), read once at start. With `LIBPROCESS_SSL_ENABLED`, a daemon serves
/// HTTPS and every connection a process makes speaks TLS.
///
/// One difference from Mesos: a client checks the server's certificate unless
/// `LIBPROCESS_SSL_VERIFY_SERVER_CERT=false` (Mesos 1.10 leaves it off by default).
public struct LibprocessSSL: Sendable, Equatable {
    /// `LIBPROCESS_SSL_SUPPORT_DOWNGRADE`: a server also takes plaintext connections (for
    /// clients without TLS, such as pymesos, and for a rolling switch).
    public var supportDowngrade = false
    /// `LIBPROCESS_SSL_CERT_FILE`, `LIBPROCESS_SSL_KEY_FILE`: PEM files of this process's
    /// certificate chain and private key; a server needs them, a client presents them.
    public var certificateFile: String?
    public var keyFile: String?
    /// `LIBPROCESS_SSL_CA_FILE`: the authorities trusted, in one PEM file; without it, the
    /// system's.
    public var authoritiesFile: String?
    /// `LIBPROCESS_SSL_VERIFY_SERVER_CERT`.
    public var verifyServerCertificate = true
    /// `LIBPROCESS_SSL_HOSTNAME_VALIDATION_SCHEME`: `openssl` checks that the server's
    /// certificate names the host dialled; `legacy` (Mesos' old reverse lookup) is taken
    /// as no name check.
    public var verifyServerName = true
    /// `LIBPROCESS_SSL_REQUIRE_CLIENT_CERT` (need) or `LIBPROCESS_SSL_VERIFY_CERT`
    /// (checked when presented).
    public var clientCertificates = TLSSettings.ClientAuth.none
    public var versions: ClosedRange<TLSSettings.Version> = .tls12 ... .tls13

    public init() {}

    /// The settings of `environment`, or nil when `LIBPROCESS_SSL_ENABLED` is not true.
    /// Mesos' older `SSL_` names are not read: `SSL_CERT_FILE` is OpenSSL's variable for
    /// its trust store, set on many machines (MESOS-5863).
    public init?(environment: [String: String]) throws(TLSSetupError) {
        let reader = Reader(environment: environment)
        guard try reader.flag("ENABLED") == true else { return nil }
        supportDowngrade = try reader.flag("SUPPORT_DOWNGRADE") ?? false
        certificateFile = reader.text("CERT_FILE")
        keyFile = reader.text("KEY_FILE")
        authoritiesFile = reader.text("CA_FILE")
        verifyServerCertificate = try reader.flag("VERIFY_SERVER_CERT") ?? true
        switch reader.text("HOSTNAME_VALIDATION_SCHEME") {
        case nil, "openssl": verifyServerName = true
        case "legacy": verifyServerName = false
        case let other?:
            throw TLSSetupError(
                key: "LIBPROCESS_SSL_HOSTNAME_VALIDATION_SCHEME", message: "'\(other)' is neither openssl nor legacy")
        }
        let required = try reader.flag("REQUIRE_CLIENT_CERT")
        let requiredBefore110 = try reader.flag("REQUIRE_CERT")
        if required ?? requiredBefore110 ?? false {
            clientCertificates = .need
        } else if try reader.flag("VERIFY_CERT") ?? false {
            clientCertificates = .want
        }
        versions = try Self.versions(reader)
        try Self.refuseUnsupported(reader)
        if (certificateFile == nil) != (keyFile == nil) {
            throw TLSSetupError(
                key: certificateFile == nil ? "LIBPROCESS_SSL_CERT_FILE" : "LIBPROCESS_SSL_KEY_FILE",
                message: "LIBPROCESS_SSL_CERT_FILE and LIBPROCESS_SSL_KEY_FILE go together; set both or neither")
        }
    }

    /// What a daemon's HTTPS port serves.
    public var serverSettings: TLSSettings {
        var settings = TLSSettings(
            keyStore: certificateFile, trustStore: authoritiesFile, clientAuth: clientCertificates)
        settings.keyFile = keyFile
        settings.versions = versions
        return settings
    }

    /// What this process's connections check and present.
    public var clientSettings: TLSSettings {
        var settings = TLSSettings(keyStore: certificateFile, trustStore: authoritiesFile)
        settings.keyFile = keyFile
        settings.versions = versions
        settings.peerVerification = verifyServerCertificate
        settings.hostnameVerification = verifyServerName
        settings.reloadOnChange = false
        return settings
    }

    /// `LIBPROCESS_SSL_ENABLE_TLS_V1_2` (on by default) and `…_V1_3` (on in Corral);
    /// 1.0 and 1.1 are not offered.
    private static func versions(_ reader: Reader) throws(TLSSetupError) -> ClosedRange<TLSSettings.Version> {
        for old in ["ENABLE_SSL_V3", "ENABLE_TLS_V1_0", "ENABLE_TLS_V1_1"] where try reader.flag(old) == true {
            throw TLSSetupError(
                key: "LIBPROCESS_SSL_\(old)", message: "Corral speaks TLS 1.2 and 1.3 only; unset it")
        }
        switch (try reader.flag("ENABLE_TLS_V1_2") ?? true, try reader.flag("ENABLE_TLS_V1_3") ?? true) {
        case (true, true): return .tls12 ... .tls13
        case (true, false): return .tls12 ... .tls12
        case (false, true): return .tls13 ... .tls13
        case (false, false):
            throw TLSSetupError(
                key: "LIBPROCESS_SSL_ENABLE_TLS_V1_2",
                message: "with LIBPROCESS_SSL_ENABLE_TLS_V1_3 also false, no TLS version is left")
        }
    }

    private static func refuseUnsupported(_ reader: Reader) throws(TLSSetupError) {
        if reader.text("CA_DIR") != nil {
            throw TLSSetupError(
                key: "LIBPROCESS_SSL_CA_DIR",
                message:
                    "a directory of authorities is not read; put them in one PEM file named by LIBPROCESS_SSL_CA_FILE")
        }
        if reader.text("CIPHERS") != nil {
            throw TLSSetupError(
                key: "LIBPROCESS_SSL_CIPHERS",
                message: "OpenSSL cipher lists are not read; Corral offers BoringSSL's TLS 1.2 and 1.3 suites; unset it"
            )
        }
    }

    private struct Reader {
        let environment: [String: String]

        func text(_ name: String) -> String? {
            environment["LIBPROCESS_SSL_" + name].flatMap { $0.isEmpty ? nil : $0 }
        }

        func flag(_ name: String) throws(TLSSetupError) -> Bool? {
            guard let value = text(name) else { return nil }
            switch value.lowercased() {
            case "true", "1": return true
            case "false", "0": return false
            default:
                throw TLSSetupError(key: "LIBPROCESS_SSL_" + name, message: "'\(value)' is not true, false, 1 or 0")
            }
        }
    }
}
