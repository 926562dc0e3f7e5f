import ClusterProtocol

/// The agent's settings, with Mesos' flag defaults. Durations are milliseconds.
public struct AgentConfig: Sendable {
    /// What the agent announces: hostname, port, resources, attributes (no id).
    public var agentInfo: Mesos.AgentInfo
    /// The work directory; sandboxes live under it.
    public var workDir: String
    /// `host:port` of the agent's HTTP API, for executors (MESOS_AGENT_ENDPOINT).
    public var endpoint: String
    /// The first retry of an unacknowledged status update comes after this long, and each
    /// next one after twice as long, up to `statusUpdateRetryMax` (Mesos: 10 s, 10 min).
    public var statusUpdateRetryMin: Int64 = 10_000
    public var statusUpdateRetryMax: Int64 = 600_000
    /// An executor that has not subscribed this long after it started is killed
    /// (`--executor_registration_timeout`, 1 min).
    public var executorRegistrationTimeout: Int64 = 60_000
    /// After a restart, how long a recovered custom executor has to subscribe again before
    /// it is killed (`--executor_reregistration_timeout`, 2 s).
    public var executorReregistrationTimeout: Int64 = 2_000
    /// How long an executor has between SHUTDOWN and SIGKILL
    /// (`--executor_shutdown_grace_period`, 5 s).
    public var executorShutdownGracePeriod: Int64 = 5_000
    /// A command task's kill grace period when its kill policy names none (Mesos' command
    /// executor: 3 s).
    public var killGracePeriod: Int64 = 3_000
    /// The agent registers again if it hears nothing from the master for this many ping
    /// intervals (Mesos: `--max_agent_ping_timeouts`, 5).
    public var pingTimeoutsMax: Int64 = 5
    /// Status updates waiting per task; an executor that sends more is refused.
    public var pendingUpdatesPerTaskMax = 1000
    /// Executors (command tasks count as one each) at most; more launches fail.
    public var executorsMax = 10_000
    /// Mesos' `--switch_user`: containers run as the user the task, its executor or its
    /// framework names, not as the agent's user.
    public var switchUser = true
    /// 16 random bytes from the edge: status update uuids and container ids are made from
    /// them and a counter, so they are unique without the core drawing random numbers.
    public var uniqueSeed: [UInt8]
    /// The machine's boot (Linux's boot_id), kept in the checkpoint: after a reboot none of
    /// the checkpointed processes runs, whatever pids and start times say.
    public var bootID = ""
    /// What the agent hands on of its own environment to every executor and command task
    /// (Mesos' inherit the agent's): its `LIBPROCESS_SSL_*` settings, so that an executor
    /// built on libprocess speaks TLS to an agent that does. Mesos' own variables win.
    public var inheritedEnvironment: [String: String] = [:]

    public init(agentInfo: Mesos.AgentInfo, workDir: String, endpoint: String, uniqueSeed: [UInt8]) {
        precondition(uniqueSeed.count == 16, "the unique seed is 16 bytes, not \(uniqueSeed.count)")
        self.agentInfo = agentInfo
        self.workDir = workDir
        self.endpoint = endpoint
        self.uniqueSeed = uniqueSeed
    }
}
