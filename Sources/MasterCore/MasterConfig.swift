import ClusterCore
import ClusterProtocol

/// The master's settings, with Mesos' flag defaults. Durations are milliseconds.
public struct MasterConfig: Sendable {
    /// This master as it announces itself (its `id` prefixes every id it makes).
    public var masterInfo: Mesos.MasterInfo
    /// How often each subscribed scheduler hears HEARTBEAT (Mesos: 15 s).
    /// Mesos' `--acls`: who may register in which roles and run tasks as which users (here),
    /// and the operator's actions and views (at the edge). Permissive and empty by default.
    public var acls = MesosACLs()
    public var heartbeatInterval: Int64 = 15_000
    /// How often an allocation round runs when nothing else asks for one
    /// (`--allocation_interval`, 1 s).
    public var allocationInterval: Int64 = 1_000
    /// How often agents hear PING, and how long each PONG may take (`--agent_ping_timeout`,
    /// 15 s).
    public var agentPingInterval: Int64 = 15_000
    /// An agent not heard from for this many ping intervals is marked unreachable
    /// (`--max_agent_ping_timeouts`, 5).
    public var maxAgentPingTimeouts: Int64 = 5
    /// Offers not answered within this long are rescinded (`--offer_timeout`; none by default).
    public var offerTimeout: Int64? = nil
    /// Terminal tasks kept per framework for the operator API (`--max_completed_tasks_per_framework`).
    public var completedTasksPerFrameworkMax = 1000
    /// Frameworks kept after they are removed (`--max_completed_frameworks`).
    public var completedFrameworksMax = 50
    /// Frameworks at most; a SUBSCRIBE beyond is answered 503.
    public var frameworksMax = 10_000
    /// Registered agents at most; a registration beyond is refused.
    public var agentsMax = 100_000
    /// The agents in the registry that have not registered again this long after a master
    /// starts leading are marked unreachable (Mesos' `--agent_reregister_timeout`).
    public var agentReregisterTimeout: Int64 = 600_000
    /// A framework recovered without its subscription (after a failover) is removed after its
    /// failover timeout, but never sooner than this (Mesos' agent re-registration timeout):
    /// time for it to find the new master.
    public var recoveredFrameworkTimeoutMin: Int64 = 600_000
    /// How long the registry keeps an agent that is unreachable or gone, and how many such
    /// agents it keeps at most, the oldest pruned first (Mesos' `--registry_max_agent_age`,
    /// two weeks, and `--registry_max_agent_count`); pruned every `registryGCInterval`
    /// (Mesos' `--registry_gc_interval`, 15 minutes).
    public var registryMaxAgentAge: Int64 = 14 * 24 * 3_600_000
    public var registryMaxAgentCount = 100 * 1024
    public var registryGCInterval: Int64 = 15 * 60_000
    /// Agents removed that are remembered, so that none registers again under its old id
    /// (Mesos keeps as many).
    public var removedAgentsMax = 100_000
    /// Active (non-terminal) tasks per framework at most; more launches get TASK_ERROR.
    public var tasksPerFrameworkMax = 1_000_000
    /// Unreachable tasks kept per partition-aware framework
    /// (`--max_unreachable_tasks_per_framework`).
    public var unreachableTasksPerFrameworkMax = 1000
    /// Status updates kept per task (the latest ones; the operator API shows them).
    public var statusesPerTaskMax = 16

    public var allocator = AllocatorConfig()
    public var sorter: any Sorter = DRFSorter()

    public init(masterInfo: Mesos.MasterInfo) {
        self.masterInfo = masterInfo
    }

    /// The prefix of every id this master makes: its own id.
    public var idPrefix: String { masterInfo.id }

    /// How long an agent may stay silent before it is marked unreachable.
    public var agentSilenceMax: Int64 { agentPingInterval * maxAgentPingTimeouts }
}
