import CorralTLS
import KeeperProtocol

/// A Keeper server's settings, read from a zoo.cfg-style file (`ensemble.conf`). Keys and
/// defaults are ZooKeeper's, so an operator's zoo.cfg carries over.
public struct KeeperConfig: Sendable, Equatable {
    /// One `server.N=host:peerPort:electionPort[;[clientAddress:]clientPort]` line.
    public struct Peer: Sendable, Equatable {
        public var id: Int
        public var host: String
        public var peerPort: Int
        public var electionPort: Int
        public var clientAddress: String?
        public var clientPort: Int?

        public init(
            id: Int, host: String, peerPort: Int, electionPort: Int, clientAddress: String? = nil,
            clientPort: Int? = nil
        ) {
            self.id = id
            self.host = host
            self.peerPort = peerPort
            self.electionPort = electionPort
            self.clientAddress = clientAddress
            self.clientPort = clientPort
        }
    }

    public var tickTime = 2000
    public var dataDir: String?
    public var dataLogDir: String?
    public var clientPort = 2181
    public var clientPortAddress = "0.0.0.0"
    /// Whether clientPort is served: not when the config names only `secureClientPort`.
    public var servesPlaintext = true
    /// `secureClientPort`: clients over TLS, with `clientTLS`; nil for none.
    public var secureClientPort: Int?
    /// `secureClientPortAddress`: all addresses unless set, as in ZooKeeper.
    public var secureClientPortAddress = "0.0.0.0"
    /// The `ssl.*` keys: the secure client port's certificate, trust and client auth.
    public var clientTLS = TLSSettings()
    /// `sslQuorum`: servers connect to each other over TLS, with `quorumTLS`.
    public var sslQuorum = false
    /// `portUnification`: the quorum port accepts TLS and plaintext both (for switching an
    /// ensemble to TLS one server at a time).
    public var portUnification = false
    /// The `ssl.quorum.*` keys: each server's certificate, and the authorities the others'
    /// must chain to; both sides present one.
    public var quorumTLS = TLSSettings()
    /// `X509AuthenticationProvider.superUser`: a client whose certificate's subject is
    /// this is the super user, as with the super digest.
    public var x509SuperUser: String?
    /// `java.security.auth.login.config` (a JVM flag in ZooKeeper; a key here): the JAAS
    /// file whose `saslServerSection` lists the SASL users.
    public var jaasLoginConfig: String?
    /// `zookeeper.sasl.serverconfig`: the JAAS section read.
    public var saslServerSection = "Server"
    /// The SASL users and passwords, read from the JAAS file when the config is loaded.
    public var saslUsers: [String: String] = [:]
    /// `zookeeper.superUser`: the SASL user that passes every ACL check.
    public var saslSuperUser: String?
    /// `enforce.auth.enabled`, `enforce.auth.schemes`, and the older
    /// `sessionRequireClientSASLAuth`, which means both with `sasl`.
    public var enforceAuthEnabled = false
    public var enforceAuthSchemes: [String] = []
    public var sessionRequireClientSASLAuth = false

    /// The schemes of which a connection must hold an identity before anything but auth
    /// and sasl packets; empty when nothing is enforced.
    public var enforcedAuthSchemes: [String] {
        sessionRequireClientSASLAuth ? ["sasl"] : enforceAuthEnabled ? enforceAuthSchemes : []
    }
    /// The schemes Keeper authenticates: what enforce.auth.schemes may name.
    public static let authSchemes: Set<String> = ["ip", "digest", "x509", "sasl"]
    /// Connections from one address at once; 0 for no limit.
    public var maxClientCnxns = 60
    /// -1: twice tickTime.
    public var minSessionTimeout = -1
    /// -1: twenty times tickTime.
    public var maxSessionTimeout = -1
    public var fourLetterWords: Set<String> = ["srvr"]
    public var juteMaxBuffer = Frame.maxBufferDefault
    /// Bytes of replies a connection may have waiting in the server before the server stops
    /// answering and reading it; it goes on at half. Stuck longer than its session timeout,
    /// it is closed.
    public var clientOutputBytesMax = 4 << 20
    /// Requests received and not yet answered, server-wide, over which the connections with
    /// requests outstanding are read no further until it drains (ZooKeeper's).
    public var globalOutstandingLimit = 1000
    /// Watches one session may hold; a read that would set more fails with QUOTAEXCEEDED.
    public var watchesPerSessionMax = 100_000
    /// Bytes queued in this server for one other server of the ensemble (proposals, commits,
    /// a sync) that its socket has not taken yet; over it, that server is not keeping up and
    /// its connection is dropped (it syncs again when it reconnects). A send counts for at
    /// most half of it, so a sync larger than the bound still goes out. At least 4 MiB: a
    /// healthy follower is sent bursts.
    public var peerQueueBytesMax = 256 << 20
    public var extendedTypesEnabled = false
    public var containerCheckInterval = 60_000
    public var initLimit = 10
    public var syncLimit = 5
    /// ZooKeeper's `cnxTimeout` (ms): how long a quorum connection has to say hello, its
    /// TLS handshake included, before it is closed; one that says nothing is not held.
    public var cnxTimeout = 5000
    public var superDigest: String?
    /// Transactions between snapshots (randomised between half and all of it).
    public var snapCount = 100_000
    public var snapRetainCount = 3
    /// Hours between purges of old snapshots and logs; 0 never purges.
    public var purgeInterval = 0
    /// Kilobytes by which log segments grow.
    public var preAllocSize = 65_536
    /// Sync the log before acknowledging; off only for tests.
    public var forceSync = true
    /// Bytes of transactions waiting for the next log sync over which the server stops
    /// reading from clients until the log thread takes them.
    public var logQueueBytesMax = 64 << 20
    /// Serve `GET /metrics` in Prometheus' format: ZooKeeper's
    /// `metricsProvider.className=…PrometheusMetricsProvider` (the last such line wins).
    public var prometheusMetrics = false
    /// `metricsProvider.httpHost` and `metricsProvider.httpPort`, ZooKeeper's defaults.
    public var metricsHost = "0.0.0.0"
    public var metricsPort = 7000
    public var peers: [Peer] = []
    /// This server's `server.N` number, once chosen with `forServer`.
    public var myId: Int?

    public init() {}

    /// Every `server.N` line names the same host, or a loopback one (127.x.y.z, ::1,
    /// localhost): the servers share one machine.
    public var isOneMachine: Bool {
        let hosts = Set(peers.map(\.host))
        return hosts.count == 1
            || hosts.allSatisfy { $0 == "localhost" || $0 == "::1" || $0 == "[::1]" || $0.hasPrefix("127.") }
    }

    /// More than one `server.N` line: replicate with ZAB.
    public var isEnsemble: Bool { peers.count > 1 }

    /// Names the ensemble so that servers of different ensembles never talk: every member's
    /// id and quorum address.
    public var ensembleIdentity: String {
        peers.sorted { $0.id < $1.id }.map { "\($0.id)=\($0.host):\($0.peerPort)" }.joined(separator: ",")
    }

    /// What `/zookeeper/config` holds in an ensemble, as ZooKeeper 3.8 writes it from a
    /// static configuration: a `server.N=host:peer:election:participant;clientHost:clientPort`
    /// line per member by id, then `version=0`. Empty standalone.
    public var membership: String {
        guard isEnsemble else { return "" }
        let lines = peers.sorted { $0.id < $1.id }.map { peer in
            let client = "\(peer.clientAddress ?? clientPortAddress):\(peer.clientPort ?? clientPort)"
            return "server.\(peer.id)=\(peer.host):\(peer.peerPort):\(peer.electionPort):participant;\(client)"
        }
        return (lines + ["version=0"]).joined(separator: "\n")
    }

    public var effectiveMinSessionTimeout: Int { minSessionTimeout == -1 ? tickTime * 2 : minSessionTimeout }
    public var effectiveMaxSessionTimeout: Int { maxSessionTimeout == -1 ? tickTime * 20 : maxSessionTimeout }

    /// Every four-letter word Keeper answers.
    public static let allFourLetterWords: Set<String> = [
        "ruok", "srvr", "stat", "mntr", "conf", "cons", "wchs", "wchc", "wchp", "envi", "isro", "dirs", "srst", "crst",
        "dump",
    ]

    public func allows(_ word: String) -> Bool { fourLetterWords.contains(word) || fourLetterWords.contains("*") }

    /// The settings for server `id` of the ensemble: its client port from its `server.N`
    /// line, its files in its own subdirectory of dataDir and dataLogDir. When every server
    /// of the ensemble is on one machine (`isOneMachine`), each needs a metrics port of its
    /// own: the Nth server in id order takes `metricsProvider.httpPort` + N - 1.
    public func forServer(_ id: Int) throws(ConfigError) -> KeeperConfig {
        guard let peer = peers.first(where: { $0.id == id }) else {
            throw ConfigError(
                file: "", line: 0, key: "server.\(id)",
                message: "no server.\(id) line; servers listed: \(peers.map(\.id))")
        }
        var config = self
        config.myId = id
        if let port = peer.clientPort { config.clientPort = port }
        if let address = peer.clientAddress { config.clientPortAddress = address }
        if let dataDir { config.dataDir = dataDir + "/" + String(id) }
        if let dataLogDir { config.dataLogDir = dataLogDir + "/" + String(id) }
        if isOneMachine, let rank = peers.map(\.id).sorted().firstIndex(of: id) {
            config.metricsPort = metricsPort + rank
        }
        return config
    }
}
