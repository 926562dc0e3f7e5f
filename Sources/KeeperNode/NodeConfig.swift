import KeeperCore

/// The settings a node's behaviour depends on (the rest of ensemble.conf is the shell's).
public struct NodeConfig: Sendable {
    public var serverId: Int64 = 0
    /// Milliseconds; session deadlines round up to ticks.
    public var tickTime: Int32 = 2000
    public var minSessionTimeout: Int32
    public var maxSessionTimeout: Int32
    /// TTL nodes (ZooKeeper's `zookeeper.extendedTypesEnabled`).
    public var extendedTypesEnabled = false
    /// How often empty containers and expired TTL nodes are looked for.
    public var containerCheckInterval: Int64 = 60_000
    /// At most this many reaper deletes per check.
    public var reapsPerCheckMax = 1000
    /// Requests queued on one connection before the node stops reading from it.
    public var pendingRequestsPerSessionMax = 1000
    /// Bytes the node sends one connection before it waits for the shell to report the
    /// connection writable (its buffered output under the low water mark): until then it
    /// answers nothing more there and reads nothing more from it. A connection blocked for
    /// longer than its session timeout is closed.
    public var clientOutputBytesMax = 4 << 20
    /// Requests received and not yet answered, server-wide, over which connections with
    /// requests of their own outstanding stop being read (ZooKeeper's globalOutstandingLimit).
    public var globalOutstandingLimit = 1000
    /// Watches one session may hold (each kind at each path counts one); a read that would
    /// set more fails with QUOTAEXCEEDED and sets none.
    public var watchesPerSessionMax = 100_000
    /// A connection that has not sent its handshake by then is closed.
    public var handshakeTimeout: Int64 = 10_000
    public var digest: DigestAuth
    /// `X509AuthenticationProvider.superUser`: the certificate subject that is super.
    public var x509SuperUser: String?
    /// The `sasl` scheme's users and passwords (the JAAS file's `user_NAME="…"`); empty,
    /// SASL is refused.
    public var saslUsers: [String: String] = [:]
    /// `zookeeper.superUser`: the SASL user that is super.
    public var saslSuperUser: String?
    /// Bytes the shell drew at random at start: each SASL exchange's nonce is derived from
    /// them, so the simulator's runs repeat and production's nonces cannot be guessed.
    public var saslNonceSeed: [UInt8] = []
    /// `enforce.auth.schemes` when `enforce.auth.enabled`: a connection that holds no
    /// identity of one of them may send only auth and sasl packets; anything else closes it
    /// with SESSIONCLOSEDREQUIRESASLAUTH. Empty: not enforced.
    public var enforcedAuthSchemes: Set<String> = []
    /// What `/zookeeper/config` shows: an ensemble's members (empty standalone).
    public var membership: [UInt8] = []

    public init(tickTime: Int32 = 2000, digest: DigestAuth) {
        self.tickTime = tickTime
        self.minSessionTimeout = tickTime * 2
        self.maxSessionTimeout = tickTime * 20
        self.digest = digest
    }

    /// A session timeout as the node grants it.
    public func negotiate(_ requested: Int32) -> Int32 {
        min(max(requested, minSessionTimeout), maxSessionTimeout)
    }
}
