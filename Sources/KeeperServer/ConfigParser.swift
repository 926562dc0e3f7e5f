import CorralTLS

/// An error in a config file, naming where it is so the operator can fix it.
public struct ConfigError: Error, Equatable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var key: String
    public var message: String

    public init(file: String, line: Int, key: String, message: String) {
        self.file = file
        self.line = line
        self.key = key
        self.message = message
    }

    public var description: String {
        let place = line > 0 ? "\(file):\(line): " : (file.isEmpty ? "" : "\(file): ")
        return "\(place)\(key): \(message)"
    }
}

/// Reads zoo.cfg syntax: `key=value` lines, `#` comments, blank lines. A value that does
/// not parse stops startup with the file, line and key; an unknown key is a warning, as
/// ZooKeeper keeps unknown keys as system properties rather than refusing them.
public enum ConfigParser {
    public struct Parsed: Sendable {
        public var config: KeeperConfig
        public var warnings: [String]
    }

    public static func parse(_ text: String, file: String) throws(ConfigError) -> Parsed {
        var config = KeeperConfig()
        var warnings: [String] = []
        var seen: [String: Int] = [:]
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = index + 1
            let trimmed = raw.trimmingSpaces
            if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
            guard let equals = trimmed.firstIndex(of: "=") else {
                throw ConfigError(file: file, line: line, key: String(trimmed), message: "expected key=value")
            }
            let key = String(trimmed[..<equals].trimmingSpaces)
            let value = String(trimmed[trimmed.index(after: equals)...].trimmingSpaces)
            if let earlier = seen[key] {
                warnings.append("\(file):\(line): \(key) repeats line \(earlier); the later value wins")
            }
            seen[key] = line
            let setting = Setting(file: file, line: line, key: key, value: value)
            if let warning = try apply(setting, to: &config) { warnings.append(warning) }
            if key == "forceSync" && !config.forceSync {
                warnings.append(
                    "\(file):\(line): forceSync=no: writes are acknowledged before they reach the disk and a crash can lose them; use it only for tests"
                )
            }
        }
        if config.secureClientPort != nil && seen["clientPort"] == nil
            && !config.peers.contains(where: { $0.clientPort != nil })
        {
            config.servesPlaintext = false
            if let line = seen["clientPortAddress"] {
                throw ConfigError(
                    file: file, line: line, key: "clientPortAddress",
                    message:
                        "clientPortAddress is set but clientPort is not set; the TLS port's is secureClientPortAddress")
            }
        }
        if let line = seen["metricsProvider.httpPort"], !config.prometheusMetrics {
            warnings.append(
                "\(file):\(line): metricsProvider.httpPort is set but metricsProvider.className is not org.apache.zookeeper.metrics.prometheus.PrometheusMetricsProvider: no metrics port is opened"
            )
        }
        try check(config, file: file)
        return Parsed(config: config, warnings: warnings)
    }

    private struct Setting {
        let file: String
        let line: Int
        let key: String
        let value: String

        func fail(_ message: String) -> ConfigError { ConfigError(file: file, line: line, key: key, message: message) }

        func int(_ range: ClosedRange<Int>) throws(ConfigError) -> Int {
            guard let number = Int(value) else { throw fail("'\(value)' is not a whole number") }
            guard range.contains(number) else {
                throw fail("\(number) is outside \(range.lowerBound)...\(range.upperBound)")
            }
            return number
        }

        func bool() throws(ConfigError) -> Bool {
            switch value.lowercased() {
            case "true", "yes": return true
            case "false", "no": return false
            default: throw fail("'\(value)' is not true or false")
            }
        }

        func nonEmpty() throws(ConfigError) -> String {
            guard !value.isEmpty else { throw fail("needs a value") }
            return value
        }
    }

    /// Applies one line; returns a warning for a key Keeper does not know.
    private static func apply(_ s: Setting, to config: inout KeeperConfig) throws(ConfigError) -> String? {
        switch s.key {
        case "tickTime": config.tickTime = try s.int(1...600_000)
        case "dataDir": config.dataDir = try s.nonEmpty()
        case "dataLogDir": config.dataLogDir = try s.nonEmpty()
        case "clientPort": config.clientPort = try s.int(0...65535)
        case "clientPortAddress": config.clientPortAddress = try s.nonEmpty()
        case "maxClientCnxns": config.maxClientCnxns = try s.int(0...1_000_000)
        case "minSessionTimeout": config.minSessionTimeout = try s.int(-1...Int(Int32.max))
        case "maxSessionTimeout": config.maxSessionTimeout = try s.int(-1...Int(Int32.max))
        case "4lw.commands.whitelist": config.fourLetterWords = try fourLetterWords(s)
        case "jute.maxbuffer": config.juteMaxBuffer = try s.int(1024...(256 << 20))
        case "clientOutputBytesMax": config.clientOutputBytesMax = try s.int((64 << 10)...(1 << 30))
        case "globalOutstandingLimit", "zookeeper.globalOutstandingLimit":
            config.globalOutstandingLimit = try s.int(1...10_000_000)
        case "watchesPerSessionMax": config.watchesPerSessionMax = try s.int(1...100_000_000)
        case "peerQueueBytesMax": config.peerQueueBytesMax = try s.int((4 << 20)...(4 << 30))
        case "extendedTypesEnabled", "zookeeper.extendedTypesEnabled": config.extendedTypesEnabled = try s.bool()
        case "znode.container.checkIntervalMs": config.containerCheckInterval = try s.int(1...86_400_000)
        case "initLimit": config.initLimit = try s.int(1...10_000)
        case "syncLimit": config.syncLimit = try s.int(1...10_000)
        case "cnxTimeout", "zookeeper.cnxTimeout": config.cnxTimeout = try s.int(1...600_000)
        case "superDigest", "DigestAuthenticationProvider.superDigest": config.superDigest = try s.nonEmpty()
        case "snapCount": config.snapCount = try s.int(2...100_000_000)
        case "autopurge.snapRetainCount": config.snapRetainCount = try s.int(1...100_000)
        case "autopurge.purgeInterval": config.purgeInterval = try s.int(0...100_000)
        case "preAllocSize": config.preAllocSize = try s.int(4...(16 << 20))
        case "forceSync": config.forceSync = try s.bool()
        case "logQueueBytesMax": config.logQueueBytesMax = try s.int((1 << 20)...(1 << 34))
        case "metricsProvider.className": config.prometheusMetrics = try metricsProvider(s)
        case "metricsProvider.httpPort": config.metricsPort = try s.int(1...65535)
        case "metricsProvider.httpHost": config.metricsHost = try s.nonEmpty()
        case "metricsProvider.exportJvmInfo": _ = try s.bool()
        case "secureClientPort": config.secureClientPort = try s.int(0...65535)
        case "secureClientPortAddress": config.secureClientPortAddress = try s.nonEmpty()
        case "serverCnxnFactory": try connectionFactory(s)
        case "X509AuthenticationProvider.superUser", "zookeeper.X509AuthenticationProvider.superUser":
            config.x509SuperUser = try s.nonEmpty()
        case "client.certReload", "zookeeper.client.certReload": config.clientTLS.reloadOnChange = try s.bool()
        case "java.security.auth.login.config": config.jaasLoginConfig = try s.nonEmpty()
        case "sasl.serverconfig", "zookeeper.sasl.serverconfig": config.saslServerSection = try s.nonEmpty()
        case "superUser", "zookeeper.superUser": config.saslSuperUser = try s.nonEmpty()
        case "enforce.auth.enabled", "zookeeper.enforce.auth.enabled": config.enforceAuthEnabled = try s.bool()
        case "enforce.auth.schemes", "zookeeper.enforce.auth.schemes":
            config.enforceAuthSchemes = s.value.split(separator: ",").map { String($0.trimmingSpaces) }
                .filter { !$0.isEmpty }
        case "sessionRequireClientSASLAuth", "zookeeper.sessionRequireClientSASLAuth":
            config.sessionRequireClientSASLAuth = try s.bool()
        case "sslQuorum": config.sslQuorum = try s.bool()
        case "portUnification": config.portUnification = try s.bool()
        case "sslQuorumReloadCertFiles": config.quorumTLS.reloadOnChange = try s.bool()
        case _ where s.key.hasPrefix("authProvider."): try authProvider(s)
        case _ where s.key.hasPrefix("server."): config.peers.append(try peer(s))
        default:
            if try tls(s, prefix: "ssl.quorum.", into: &config.quorumTLS) { return nil }
            if try tls(s, prefix: "ssl.", into: &config.clientTLS) { return nil }
            return "\(s.file):\(s.line): unknown key \(s.key) ignored"
        }
        return nil
    }

    /// The `PREFIX…` keys of one TLS endpoint (`ssl.` for the client port), also with
    /// ZooKeeper's `zookeeper.` in front; false for a key that is not one.
    private static func tls(_ s: Setting, prefix: String, into tls: inout TLSSettings) throws(ConfigError) -> Bool {
        var key = Substring(s.key)
        if key.hasPrefix("zookeeper.") { key = key.dropFirst("zookeeper.".count) }
        guard key.hasPrefix(prefix) else { return false }
        switch key.dropFirst(prefix.count) {
        case "keyStore.location": tls.keyStore = try s.nonEmpty()
        case "keyStore.password": tls.keyStorePassword = s.value
        case "trustStore.location": tls.trustStore = try s.nonEmpty()
        case "trustStore.password": break  // a PEM trust store has no password
        case "keyStore.type", "trustStore.type": try pemOnly(s)
        case "clientAuth":
            guard let auth = TLSSettings.ClientAuth(rawValue: s.value.lowercased()) else {
                throw s.fail("'\(s.value)' is not none, want or need")
            }
            tls.clientAuth = auth
        case "protocol":
            // Java's "TLS" negotiates any version it has.
            if s.value == "TLS" {
                tls.versions = .tls12 ... .tls13
            } else {
                let version = try tlsVersion(s, s.value)
                tls.versions = version...version
            }
        case "enabledProtocols":
            let versions = try s.value.split(separator: ",").map { v throws(ConfigError) in
                try tlsVersion(s, String(v.trimmingSpaces))
            }
            guard let low = versions.min(), let high = versions.max() else { throw s.fail("names no protocol") }
            tls.versions = low...high
        case "ciphersuites":
            tls.cipherSuites = s.value.split(separator: ",").map { String($0.trimmingSpaces) }.filter { !$0.isEmpty }
        case "hostnameVerification": tls.hostnameVerification = try s.bool()
        case "crl", "ocsp":
            if try s.bool() { throw s.fail("revocation checks are not supported: remove the key or set it false") }
        default: return false
        }
        return true
    }

    private static func tlsVersion(_ s: Setting, _ name: String) throws(ConfigError) -> TLSSettings.Version {
        guard let version = TLSSettings.Version(rawValue: name) else {
            throw s.fail("'\(name)' is not a protocol Keeper speaks: use TLSv1.2 or TLSv1.3")
        }
        return version
    }

    /// Keeper reads key and trust stores as PEM files (ZooKeeper 3.8's PEM type).
    private static func pemOnly(_ s: Setting) throws(ConfigError) {
        guard s.value.uppercased() == "PEM" else {
            throw s.fail(
                "Keeper reads PEM files only; convert the store (keytool -importkeystore to PKCS12, then openssl pkcs12 -nodes) and set PEM"
            )
        }
    }

    /// ZooKeeper needs the Netty factory for TLS; Keeper serves both ports itself.
    private static func connectionFactory(_ s: Setting) throws(ConfigError) {
        let known = [
            "org.apache.zookeeper.server.NettyServerCnxnFactory", "org.apache.zookeeper.server.NIOServerCnxnFactory",
        ]
        guard known.contains(s.value) else {
            throw s.fail("'\(s.value)' is not one of \(known.joined(separator: ", "))")
        }
    }

    /// The authentication providers Keeper has built in.
    private static func authProvider(_ s: Setting) throws(ConfigError) {
        let known = [
            "org.apache.zookeeper.server.auth.X509AuthenticationProvider",
            "org.apache.zookeeper.server.auth.DigestAuthenticationProvider",
            "org.apache.zookeeper.server.auth.SASLAuthenticationProvider",
        ]
        guard known.contains(s.value) else {
            throw s.fail("'\(s.value)' is not a provider Keeper has: \(known.joined(separator: ", "))")
        }
    }

    /// ZooKeeper's metrics providers: Prometheus' serves `/metrics`; the default and the
    /// null provider serve nothing over HTTP (their figures are `mntr`'s).
    private static func metricsProvider(_ s: Setting) throws(ConfigError) -> Bool {
        switch s.value {
        case "org.apache.zookeeper.metrics.prometheus.PrometheusMetricsProvider": return true
        case "org.apache.zookeeper.metrics.impl.DefaultMetricsProvider",
            "org.apache.zookeeper.metrics.impl.NullMetricsProvider":
            return false
        default:
            throw s.fail(
                "Keeper exports metrics in Prometheus' format only: use org.apache.zookeeper.metrics.prometheus.PrometheusMetricsProvider"
            )
        }
    }

    private static func fourLetterWords(_ s: Setting) throws(ConfigError) -> Set<String> {
        var words: Set<String> = ["srvr"]
        for word in s.value.split(separator: ",").map({ String($0.trimmingSpaces) }) where !word.isEmpty {
            guard word == "*" || KeeperConfig.allFourLetterWords.contains(word) else {
                throw s.fail(
                    "'\(word)' is not a four-letter word Keeper knows (\(KeeperConfig.allFourLetterWords.sorted().joined(separator: ", ")))"
                )
            }
            words.insert(word)
        }
        return words
    }

    /// `server.N=host:peerPort:electionPort[:role][;[clientAddress:]clientPort]`.
    private static func peer(_ s: Setting) throws(ConfigError) -> KeeperConfig.Peer {
        guard let id = Int(s.key.dropFirst("server.".count)), (1...254).contains(id) else {
            throw s.fail("server id must be a number in 1...254")
        }
        let halves = s.value.split(separator: ";", maxSplits: 1, omittingEmptySubsequences: false)
        let parts = halves[0].split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        guard parts.count >= 3, !parts[0].isEmpty, let peerPort = Int(parts[1]), let electionPort = Int(parts[2]),
            (1...65535).contains(peerPort), (1...65535).contains(electionPort)
        else {
            throw s.fail(
                "expected host:peerPort:electionPort[:participant][;[clientAddress:]clientPort], got '\(s.value)'")
        }
        var peer = KeeperConfig.Peer(id: id, host: parts[0], peerPort: peerPort, electionPort: electionPort)
        if parts.count > 3, parts[3] != "participant" {
            throw s.fail("role '\(parts[3])' is not supported: every Keeper server is a voting participant")
        }
        if halves.count == 2 {
            let client = halves[1].split(separator: ":", omittingEmptySubsequences: false)
            guard client.count <= 2, let port = client.last.flatMap({ Int($0) }), (1...65535).contains(port) else {
                throw s.fail("bad client address in '\(s.value)': expected [clientAddress:]clientPort")
            }
            peer.clientPort = port
            if client.count == 2, !client[0].isEmpty { peer.clientAddress = String(client[0]) }
        }
        return peer
    }

    private static func check(_ config: KeeperConfig, file: String) throws(ConfigError) {
        if config.effectiveMinSessionTimeout > config.effectiveMaxSessionTimeout {
            throw ConfigError(
                file: file, line: 0, key: "minSessionTimeout",
                message:
                    "\(config.effectiveMinSessionTimeout) is above maxSessionTimeout \(config.effectiveMaxSessionTimeout)"
            )
        }
        if config.secureClientPort != nil && config.clientTLS.trustStore == nil && config.clientTLS.clientAuth != .none
        {
            throw ConfigError(
                file: file, line: 0, key: "ssl.trustStore.location",
                message:
                    "ssl.clientAuth=\(config.clientTLS.clientAuth.rawValue) needs a trust store: the authorities whose client certificates are x509 identities (or set ssl.clientAuth=none)"
            )
        }
        if config.secureClientPort != nil && config.clientTLS.keyStore == nil {
            throw ConfigError(
                file: file, line: 0, key: "secureClientPort",
                message: "needs ssl.keyStore.location: a PEM file with this server's private key and certificate chain")
        }
        if (config.sslQuorum || config.portUnification)
            && (config.quorumTLS.keyStore == nil || config.quorumTLS.trustStore == nil)
        {
            throw ConfigError(
                file: file, line: 0, key: config.sslQuorum ? "sslQuorum" : "portUnification",
                message:
                    "needs ssl.quorum.keyStore.location and ssl.quorum.trustStore.location: PEM files with this server's key and certificate, and the authorities the other servers' certificates chain to"
            )
        }
        for (key, path) in [
            ("ssl.keyStore.location", config.clientTLS.keyStore),
            ("ssl.trustStore.location", config.clientTLS.trustStore),
        ] {
            guard let path, [".jks", ".p12", ".pfx"].contains(where: { path.lowercased().hasSuffix($0) }) else {
                continue
            }
            throw ConfigError(
                file: file, line: 0, key: key,
                message:
                    "\(path): Keeper reads PEM files only; convert it (openssl pkcs12 -nodes) and name the .pem file")
        }
        if config.enforceAuthEnabled {
            guard !config.enforceAuthSchemes.isEmpty else {
                throw ConfigError(
                    file: file, line: 0, key: "enforce.auth.schemes",
                    message:
                        "enforce.auth.enabled=true needs the schemes a client must authenticate with (sasl, digest, x509)"
                )
            }
            for scheme in config.enforceAuthSchemes where !KeeperConfig.authSchemes.contains(scheme) {
                throw ConfigError(
                    file: file, line: 0, key: "enforce.auth.schemes",
                    message:
                        "'\(scheme)' is not a scheme Keeper authenticates (\(KeeperConfig.authSchemes.sorted().joined(separator: ", ")))"
                )
            }
        }
        var ids = Set<Int>()
        for peer in config.peers where !ids.insert(peer.id).inserted {
            throw ConfigError(file: file, line: 0, key: "server.\(peer.id)", message: "listed twice")
        }
    }
}

extension StringProtocol {
    var trimmingSpaces: SubSequence {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\r" }
        guard let first = firstIndex(where: { !isSpace($0) }) else { return self[endIndex...] }
        let last = lastIndex(where: { !isSpace($0) })!
        return self[first...last]
    }
}
