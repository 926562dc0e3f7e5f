import ClusterProtocol

/// What the agent asks its edge to do, in order.
public enum AgentAction: Sendable, Equatable {
    /// Write the checkpoint, durably, before carrying out the actions after it (it comes
    /// first in a step's actions, and only when the step changed it).
    case checkpoint(AgentCheckpoint)
    /// POST a call to the master (never REGISTER: the edge opens the registration stream
    /// itself, with `Agent.registration`).
    case sendToMaster(AgentCall)
    /// The master has gone quiet: drop the registration stream and register again.
    case reconnect
    /// Start a container.
    case launch(ContainerLaunch)
    /// Give a running container new limits (an executor took on another task).
    case updateLimits(Mesos.ContainerID, ContainerLimits)
    /// SIGTERM the container's process group, SIGKILL after the grace period, and
    /// SIGKILL whatever is left in its cgroup.
    case kill(Mesos.ContainerID, gracePeriod: Int64)
    case sendToExecutor(StreamID, Mesos.ExecutorEvent)
    case closeExecutorStream(StreamID)
    /// Run a task's health check once and answer with `AgentInput.healthChecked`.
    case runHealthCheck(HealthCheckRun)
    case log(String)
}

/// A container to start: one process (a command task, or an executor), in its own
/// process group, sandbox and cgroup.
public struct ContainerLaunch: Hashable, Sendable {
    public var containerID: Mesos.ContainerID
    public var sandbox: String
    /// The program and its arguments; `argv[0]` is the program, found on the
    /// environment's PATH unless absolute.
    public var argv: [String]
    /// Exactly the environment the process gets.
    public var environment: [String: String]
    public var limits: ContainerLimits
    /// The user the process runs as (Mesos' `--switch_user`): the command's, else the
    /// executor's, else the framework's; nil runs it as the agent's own user.
    public var user: String? = nil
    /// The custom executor this container runs, which is given its token when the agent
    /// authenticates executors; nil for a task's own container.
    public var executor: ExecutorKey? = nil
}

/// A container's memory limit and cpu weight, from the resources it runs with.
public struct ContainerLimits: Hashable, Sendable {
    public var memoryBytes: UInt64?
    /// Mesos' rule: 1024 shares per cpu, at least 2.
    public var cpuShares: UInt64?

    public init(memoryBytes: UInt64? = nil, cpuShares: UInt64? = nil) {
        self.memoryBytes = memoryBytes
        self.cpuShares = cpuShares
    }
}

/// The outcome of one step: the reply to the request the event came with (executor calls),
/// and the actions in order.
public struct AgentStep: Sendable {
    public var reply: AgentReply
    public var actions: [AgentAction]
}

/// How the agent answers an executor's request.
public enum AgentReply: Equatable, Sendable {
    case streaming
    case accepted
    case rejected(status: Int, message: String)
    case none
}
