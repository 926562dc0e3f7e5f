import Foundation
import KeeperServer
import Testing

@Suite("ensemble.conf parsing")
struct ConfigParserTests {
    @Test("ZooKeeper's keys are read with their meaning")
    func keys() throws {
        let text = """
            # comment
            tickTime=500
            dataDir=/var/lib/keeper
            clientPort=2999
            clientPortAddress=127.0.0.1
            maxClientCnxns=7
            minSessionTimeout=1000
            maxSessionTimeout=9000
            4lw.commands.whitelist=ruok, mntr
            jute.maxbuffer=2048
            extendedTypesEnabled=true
            znode.container.checkIntervalMs=1500
            cnxTimeout=2500
            server.1=127.0.0.1:2888:3888;2181
            server.2=127.0.0.1:2889:3889;127.0.0.1:2182
            """
        let parsed = try ConfigParser.parse(text, file: "t.conf")
        let config = parsed.config
        #expect(parsed.warnings.isEmpty)
        #expect(config.tickTime == 500 && config.clientPort == 2999 && config.maxClientCnxns == 7)
        #expect(config.dataDir == "/var/lib/keeper")
        #expect(config.effectiveMinSessionTimeout == 1000 && config.effectiveMaxSessionTimeout == 9000)
        #expect(config.fourLetterWords == ["srvr", "ruok", "mntr"])
        #expect(config.juteMaxBuffer == 2048 && config.extendedTypesEnabled && config.containerCheckInterval == 1500)
        #expect(config.cnxTimeout == 2500 && KeeperConfig().cnxTimeout == 5000)
        #expect(config.peers.map(\.clientPort) == [2181, 2182])
        let second = try config.forServer(2)
        #expect(second.clientPort == 2182 && second.dataDir == "/var/lib/keeper/2")
        #expect(second.clientPortAddress == "127.0.0.1")
        #expect(try config.forServer(1).clientPortAddress == "127.0.0.1")  // clientPortAddress= then
    }

    @Test("metricsProvider.* turns on GET /metrics; servers of a local ensemble take one port each")
    func metricsProvider() throws {
        let off = try ConfigParser.parse("clientPort=2181\n", file: "t.conf").config
        #expect(!off.prometheusMetrics && off.metricsPort == 7000 && off.metricsHost == "0.0.0.0")
        let text = """
            metricsProvider.className=org.apache.zookeeper.metrics.prometheus.PrometheusMetricsProvider
            metricsProvider.httpHost=127.0.0.1
            metricsProvider.exportJvmInfo=false
            server.1=127.0.0.1:2888:3888;2181
            server.2=127.0.0.1:2889:3889;2182
            server.3=127.0.0.1:2890:3890;2183
            """
        let parsed = try ConfigParser.parse(text, file: "t.conf")
        #expect(parsed.warnings.isEmpty)
        let config = parsed.config
        #expect(config.prometheusMetrics && config.metricsHost == "127.0.0.1")
        #expect(try [1, 2, 3].map { try config.forServer($0).metricsPort } == [7000, 7001, 7002])
        let prometheus = "metricsProvider.className=org.apache.zookeeper.metrics.prometheus.PrometheusMetricsProvider\n"
        let spread = try ConfigParser.parse(
            prometheus + "metricsProvider.httpPort=7100\nserver.1=10.0.0.1:2888:3888\nserver.2=10.0.0.2:2888:3888\n",
            file: "t.conf"
        ).config
        #expect(spread.prometheusMetrics)
        #expect(try spread.forServer(2).metricsPort == 7100)
        let loopback = try ConfigParser.parse(
            prometheus + "server.1=127.0.0.1:2888:3888\nserver.2=localhost:2889:3889\nserver.3=127.0.0.2:2890:3890\n",
            file: "t.conf"
        ).config
        #expect(try [1, 2, 3].map { try loopback.forServer($0).metricsPort } == [7000, 7001, 7002])
        // As in ZooKeeper, a port without the Prometheus provider opens nothing, and says so.
        let portOnly = try ConfigParser.parse("metricsProvider.httpPort=7100\n", file: "t.conf")
        #expect(!portOnly.config.prometheusMetrics)
        #expect(portOnly.warnings.count == 1 && portOnly.warnings[0].contains("no metrics port is opened"))
        // The later className wins.
        let later = try ConfigParser.parse(
            prometheus + "metricsProvider.className=org.apache.zookeeper.metrics.impl.NullMetricsProvider\n",
            file: "t.conf")
        #expect(!later.config.prometheusMetrics)
        let null = try ConfigParser.parse(
            "metricsProvider.className=org.apache.zookeeper.metrics.impl.NullMetricsProvider\n", file: "t.conf")
        #expect(!null.config.prometheusMetrics)
        #expect(throws: ConfigError.self) {
            try ConfigParser.parse("metricsProvider.className=com.example.Graphite\n", file: "t.conf")
        }
        #expect(throws: ConfigError.self) { try ConfigParser.parse("metricsProvider.httpPort=0\n", file: "t.conf") }
    }

    @Test("an ensemble's /zookeeper/config lists its members as ZooKeeper 3.8 writes them")
    func membership() throws {
        let text = """
            clientPortAddress=10.0.0.9
            server.2=b:2889:3889;127.0.0.1:2182
            server.1=a:2888:3888:participant;2181
            """
        let config = try ConfigParser.parse(text, file: "t.conf").config
        #expect(
            config.membership == """
                server.1=a:2888:3888:participant;10.0.0.9:2181
                server.2=b:2889:3889:participant;127.0.0.1:2182
                version=0
                """)
        #expect(try ConfigParser.parse("server.1=a:1:2", file: "t.conf").config.membership == "")
    }

    @Test("session timeouts default to 2 and 20 ticks")
    func defaults() throws {
        let config = try ConfigParser.parse("tickTime=3000", file: "t.conf").config
        #expect(config.effectiveMinSessionTimeout == 6000 && config.effectiveMaxSessionTimeout == 60000)
        #expect(config.fourLetterWords == ["srvr"])
    }

    @Test("the limits on what one client may hold are read, and have their defaults")
    func limits() throws {
        let defaults = try ConfigParser.parse("", file: "t.conf").config
        #expect(defaults.clientOutputBytesMax == 4 << 20)
        #expect(defaults.globalOutstandingLimit == 1000 && defaults.watchesPerSessionMax == 100_000)
        #expect(defaults.logQueueBytesMax == 64 << 20)
        let text = """
            clientOutputBytesMax=1048576
            globalOutstandingLimit=50
            watchesPerSessionMax=7
            logQueueBytesMax=2097152
            """
        let config = try ConfigParser.parse(text, file: "t.conf").config
        #expect(config.clientOutputBytesMax == 1 << 20)
        #expect(config.globalOutstandingLimit == 50 && config.watchesPerSessionMax == 7)
        #expect(config.logQueueBytesMax == 2 << 20)
        // ZooKeeper's system property name, as a zoo.cfg key.
        let zooKeeper = try ConfigParser.parse("zookeeper.globalOutstandingLimit=9", file: "t.conf")
        #expect(zooKeeper.config.globalOutstandingLimit == 9 && zooKeeper.warnings.isEmpty)
    }

    @Test(
        "a malformed value names the file, line and key",
        arguments: [
            ("tickTime=abc", "t.conf:1: tickTime: 'abc' is not a whole number"),
            ("\nclientPort=70000", "t.conf:2: clientPort: 70000 is outside 0...65535"),
            ("extendedTypesEnabled=maybe", "t.conf:1: extendedTypesEnabled: 'maybe' is not true or false"),
            ("4lw.commands.whitelist=ruok,hack", "t.conf:1: 4lw.commands.whitelist: 'hack' is not a four-letter word"),
            (
                "server.1=localhost:2888",
                "t.conf:1: server.1: expected host:peerPort:electionPort[:participant][;[clientAddress:]clientPort], got 'localhost:2888'"
            ),
            ("server.1=a:1:2:observer", "t.conf:1: server.1: role 'observer' is not supported"),
            ("server.1=a:1:2;x:y:3", "t.conf:1: server.1: bad client address in 'a:1:2;x:y:3'"),
            ("justtext", "t.conf:1: justtext: expected key=value"),
            ("clientOutputBytesMax=1000", "t.conf:1: clientOutputBytesMax: 1000 is outside 65536...1073741824"),
            ("globalOutstandingLimit=0", "t.conf:1: globalOutstandingLimit: 0 is outside 1...10000000"),
            ("watchesPerSessionMax=-1", "t.conf:1: watchesPerSessionMax: -1 is outside 1...100000000"),
        ])
    func malformed(line: String, message: String) {
        #expect {
            _ = try ConfigParser.parse(line, file: "t.conf")
        } throws: { error in
            "\(error)".hasPrefix(message)
        }
    }

    @Test("ZooKeeper 3.8's TLS keys: secureClientPort with PEM stores, client auth, protocols, cipher suites")
    func tlsKeys() throws {
        let text = """
            secureClientPort=2281
            secureClientPortAddress=127.0.0.1
            serverCnxnFactory=org.apache.zookeeper.server.NettyServerCnxnFactory
            authProvider.x509=org.apache.zookeeper.server.auth.X509AuthenticationProvider
            ssl.keyStore.location=/etc/keeper/server.pem
            ssl.keyStore.type=PEM
            zookeeper.ssl.trustStore.location=/etc/keeper/ca.pem
            ssl.trustStore.type=pem
            ssl.clientAuth=want
            ssl.enabledProtocols=TLSv1.3
            ssl.ciphersuites=TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384
            ssl.hostnameVerification=false
            client.certReload=false
            X509AuthenticationProvider.superUser=CN=admin,O=Corral
            """
        let parsed = try ConfigParser.parse(text, file: "t.conf")
        #expect(parsed.warnings.isEmpty)
        let config = parsed.config
        #expect(config.secureClientPort == 2281 && config.secureClientPortAddress == "127.0.0.1")
        #expect(!config.servesPlaintext)
        #expect(config.clientTLS.keyStore == "/etc/keeper/server.pem")
        #expect(config.clientTLS.trustStore == "/etc/keeper/ca.pem")
        #expect(config.clientTLS.clientAuth == .want)
        #expect(config.clientTLS.versions == .tls13 ... .tls13)
        #expect(config.clientTLS.cipherSuites.count == 2)
        #expect(!config.clientTLS.hostnameVerification && !config.clientTLS.reloadOnChange)
        #expect(config.x509SuperUser == "CN=admin,O=Corral")
        // Both ports when clientPort is named too; ZooKeeper's defaults otherwise.
        let both = try ConfigParser.parse(
            "clientPort=2181\nsecureClientPort=2281\nssl.keyStore.location=/k.pem\nssl.clientAuth=none\nssl.protocol=TLS",
            file: "t"
        ).config
        #expect(
            both.servesPlaintext && both.clientTLS.clientAuth == .none && both.clientTLS.versions == .tls12 ... .tls13)
        #expect(both.secureClientPortAddress == "0.0.0.0")
        // The quorum's keys are its own.
        let quorum = try ConfigParser.parse(
            """
            sslQuorum=true
            portUnification=true
            ssl.quorum.keyStore.location=/q.pem
            ssl.quorum.trustStore.location=/qca.pem
            ssl.quorum.hostnameVerification=false
            sslQuorumReloadCertFiles=false
            """, file: "t"
        ).config
        #expect(quorum.sslQuorum && quorum.portUnification)
        #expect(quorum.quorumTLS.keyStore == "/q.pem" && quorum.quorumTLS.trustStore == "/qca.pem")
        #expect(!quorum.quorumTLS.hostnameVerification && !quorum.quorumTLS.reloadOnChange)
        #expect(quorum.clientTLS.keyStore == nil)
        #expect {
            _ = try ConfigParser.parse("sslQuorum=true\nssl.quorum.keyStore.location=/q.pem", file: "t")
        } throws: { error in
            "\(error)".hasPrefix("t: sslQuorum: needs ssl.quorum.keyStore.location and ssl.quorum.trustStore.location")
        }
    }

    @Test(
        "a TLS setting Keeper cannot honour stops startup naming the key",
        arguments: [
            (
                "secureClientPort=2281\nssl.trustStore.location=/ca.pem",
                "t.conf: secureClientPort: needs ssl.keyStore.location"
            ),
            (
                "secureClientPort=2281\nssl.keyStore.location=/k.pem",
                "t.conf: ssl.trustStore.location: ssl.clientAuth=need needs a trust store"
            ),
            (
                "secureClientPort=2281\nclientPortAddress=127.0.0.1\nssl.keyStore.location=/k.pem",
                "t.conf:2: clientPortAddress"
            ),
            ("ssl.keyStore.type=JKS", "t.conf:1: ssl.keyStore.type: Keeper reads PEM files only"),
            (
                "ssl.keyStore.location=/etc/keeper/keystore.jks",
                "t.conf: ssl.keyStore.location: /etc/keeper/keystore.jks"
            ),
            ("ssl.clientAuth=sometimes", "t.conf:1: ssl.clientAuth: 'sometimes' is not none, want or need"),
            ("ssl.protocol=SSLv3", "t.conf:1: ssl.protocol: 'SSLv3' is not a protocol Keeper speaks"),
            ("ssl.crl=true", "t.conf:1: ssl.crl: revocation checks are not supported"),
            ("authProvider.sasl=com.example.Mine", "t.conf:1: authProvider.sasl:"),
        ])
    func tlsRefusals(line: String, message: String) {
        #expect {
            _ = try ConfigParser.parse(line, file: "t.conf")
        } throws: { error in
            "\(error)".hasPrefix(message)
        }
    }

    @Test("SASL and enforce.auth keys; the JAAS file's users are read when the config is loaded")
    func saslKeys() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("jaas-\(UUID())").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let jaas = """
            // the users of Keeper's sasl scheme
            QuorumServer { org.apache.zookeeper.server.auth.DigestLoginModule required user_q="q"; };
            Keeper {
                /* DIGEST-MD5 */
                org.apache.zookeeper.server.auth.DigestLoginModule required
                user_bob="bob-secret"
                user_admin="quote\\"d";
            };
            """
        try jaas.write(toFile: directory + "/jaas.conf", atomically: true, encoding: .utf8)
        let cfg = """
            authProvider.sasl=org.apache.zookeeper.server.auth.SASLAuthenticationProvider
            java.security.auth.login.config=\(directory)/jaas.conf
            zookeeper.sasl.serverconfig=Keeper
            superUser=admin
            enforce.auth.enabled=true
            enforce.auth.schemes=sasl, x509
            """
        try cfg.write(toFile: directory + "/zoo.cfg", atomically: true, encoding: .utf8)
        let config = try ConfigParser.load(path: directory + "/zoo.cfg").config
        #expect(config.saslUsers == ["bob": "bob-secret", "admin": "quote\"d"])
        #expect(config.saslSuperUser == "admin")
        #expect(config.enforcedAuthSchemes == ["sasl", "x509"])
        #expect(
            try ConfigParser.parse("sessionRequireClientSASLAuth=true", file: "t").config.enforcedAuthSchemes == [
                "sasl"
            ])
        #expect(try ConfigParser.parse("enforce.auth.schemes=sasl", file: "t").config.enforcedAuthSchemes == [])
        for (text, message) in [
            ("enforce.auth.enabled=true", "t: enforce.auth.schemes: enforce.auth.enabled=true needs"),
            ("enforce.auth.enabled=true\nenforce.auth.schemes=kerberos", "t: enforce.auth.schemes: 'kerberos' is not"),
        ] {
            #expect {
                _ = try ConfigParser.parse(text, file: "t")
            } throws: { error in
                "\(error)".hasPrefix(message)
            }
        }
        try "java.security.auth.login.config=\(directory)/jaas.conf\nsasl.serverconfig=Server".write(
            toFile: directory + "/other.cfg", atomically: true, encoding: .utf8)
        #expect {
            _ = try ConfigParser.load(path: directory + "/other.cfg")
        } throws: { error in
            "\(error)".contains("no section named Server")
        }
    }

    @Test("JAAS files: sections, options, comments; what is malformed says where")
    func jaas() throws {
        let sections = try JAASConfig.parse(
            "A { x.Y required k=v q=\"w\"; z.W optional; }; B { m.N sufficient; };")
        #expect(sections["A"]?.map(\.className) == ["x.Y", "z.W"])
        #expect(sections["A"]?.first?.options == ["k": "v", "q": "w"])
        #expect(sections["B"]?.first?.flag == "sufficient")
        for bad in ["A {", "A { x.Y required; }", "A { x.Y required k; };", "/* open", "A { x.Y required k=\"v; };"] {
            #expect(throws: JAASConfig.Malformed.self, "\(bad)") { try JAASConfig.parse(bad) }
        }
        // Every module's user_ options count, as in ZooKeeper's callback handler.
        #expect(
            try JAASConfig.digestUsers("Server { other.Module required user_a=\"b\"; };", section: "Server") == [
                "a": "b"
            ])
        #expect(throws: JAASConfig.Malformed.self) {
            try JAASConfig.digestUsers("Server { other.Module required debug=true; };", section: "Server")
        }
    }

    @Test("an unknown key is a warning with its line, not an error")
    func unknownKey() throws {
        let parsed = try ConfigParser.parse("tickTime=2000\nadmin.serverPort=8080", file: "t.conf")
        #expect(parsed.warnings == ["t.conf:2: unknown key admin.serverPort ignored"])
    }

    @Test("min above max session timeout is refused")
    func timeoutOrder() {
        #expect(throws: ConfigError.self) {
            _ = try ConfigParser.parse("minSessionTimeout=9000\nmaxSessionTimeout=100", file: "t")
        }
    }

    @Test("ensemble.conf at the repository root parses")
    func shippedEnsemble() throws {
        let parsed = try ConfigParser.load(
            path: #filePath.replacingOccurrences(
                of: "Tests/KeeperServerTests/ConfigParserTests.swift", with: "ensemble.conf"))
        #expect(parsed.warnings.isEmpty)
        #expect(parsed.config.peers.map(\.clientPort) == [2181, 2182, 2183])
        #expect(parsed.config.clientPortAddress == "127.0.0.1")
    }
}
