import ClusterCore
import ClusterEdge
import ClusterProtocol
import FoundationEssentials
import MasterCore

/// What `corral master` is told: where the masters' election lives, where to serve, and
/// the allocation policy, with Mesos' flag defaults.
public struct MasterOptions: Sendable {
    /// `zk://HOSTS/PATH` of the election; nil runs one master that leads at once.
    public var zk: MasterURL?
    /// HTTPS on the port (Mesos' `LIBPROCESS_SSL_*`); nil serves plain HTTP.
    public var tls: ClusterTLS?
    /// Who must authenticate (`--credentials`, `--authenticate-*`); nil: nobody.
    public var authentication: MasterAuthentication?
    public var ip = "127.0.0.1"
    public var hostname = "localhost"
    public var port = 5050
    public var workDir: String
    /// Mesos' replicated-log quorum. Corral keeps no replicated log (its state will live in
    /// Keeper), so the flag is accepted for Mesos' command lines and not used.
    public var quorum: Int?
    public var allocator = AllocatorChoice.drf
    /// Mesos' `--acls`; permissive and empty unless given.
    public var acls = MesosACLs()
    /// For `priority`: roles from highest to lowest.
    public var roles: [String] = []
    public var weights: [String: Weight] = [:]
    public var allocationInterval: Int64 = 1_000
    public var offerTimeout: Int64?
    public var heartbeatInterval: Int64 = 15_000
    /// Between PINGs to each agent, in ms (Mesos' --agent_ping_timeout).
    public var agentPingInterval: Int64 = 15_000
    /// Unanswered pings before an agent is marked unreachable (--max_agent_ping_timeouts).
    public var maxAgentPingTimeouts: Int64 = 5
    /// How long a new leader waits for the registry's agents before marking them
    /// unreachable, in ms (Mesos' --agent_reregister_timeout).
    public var agentReregisterTimeout: Int64 = 600_000
    /// Unreachable and gone agents kept in the registry: how long, in ms, and how many
    /// (Mesos' --registry_max_agent_age and --registry_max_agent_count).
    public var registryMaxAgentAge: Int64 = 14 * 24 * 3_600_000
    public var registryMaxAgentCount = 100 * 1024
    /// The Keeper session the master contends with, in ms (Mesos' --zk_session_timeout).
    public var zkSessionTimeout: Int64 = 10_000
    /// How often a standby checks that the leader's process still listens, in ms; nil
    /// leaves a crashed leader to its session's expiry (see `LeaderWatch`).
    public var leaderProbeInterval: Int64? = 100

    public enum AllocatorChoice: String, Sendable, CaseIterable {
        case drf
        case priority
    }

    public init(workDir: String) {
        self.workDir = workDir
    }

    /// This master's MasterInfo: a fresh id, its address as Mesos writes it (the IPv4
    /// address also as the integer Mesos stores), pid and version.
    public func masterInfo(id: String) -> Mesos.MasterInfo {
        var info = Mesos.MasterInfo(id: id, ip: Self.mesosInteger(ip) ?? 0, port: UInt32(port))
        info.pid = "master@\(ip):\(port)"
        info.hostname = hostname
        info.version = Master.mesosVersion
        info.address = Mesos.Address(hostname: hostname, ip: ip, port: Int32(port))
        return info
    }

    public func config(for info: Mesos.MasterInfo) -> MasterConfig {
        var config = MasterConfig(masterInfo: info)
        config.allocationInterval = allocationInterval
        config.offerTimeout = offerTimeout
        config.heartbeatInterval = heartbeatInterval
        config.agentPingInterval = agentPingInterval
        config.maxAgentPingTimeouts = maxAgentPingTimeouts
        config.agentReregisterTimeout = agentReregisterTimeout
        config.registryMaxAgentAge = registryMaxAgentAge
        config.registryMaxAgentCount = registryMaxAgentCount
        config.allocator.weights = weights
        config.acls = acls
        switch allocator {
        case .drf: config.sorter = DRFSorter()
        case .priority: config.sorter = StrictPrioritySorter(priorities: roles)
        }
        return config
    }

    /// An IPv4 address as the integer Mesos keeps in MasterInfo.ip: the address's bytes
    /// in network order, read as a little-endian number (127.0.0.1 is 16777343).
    static func mesosInteger(_ address: String) -> UInt32? {
        let parts = address.split(separator: ".").compactMap { UInt8($0) }
        guard parts.count == 4 else { return nil }
        return parts.enumerated().reduce(UInt32(0)) { $0 | UInt32($1.element) << (8 * UInt32($1.offset)) }
    }
}
