import ClusterProtocol

/// What the agent keeps under its work dir so that, killed and started again there, it takes
/// back what kept running (Mesos' agent checkpoint: the agent's id and info, the frameworks,
/// executors and tasks, and the status updates not yet acknowledged).
///
/// Only frameworks that asked for it (`FrameworkInfo.checkpoint`) are recovered, as in
/// Mesos; of the others the checkpoint keeps just their containers' processes, so that the
/// agent started again kills them (Mesos' agent shuts such executors down after a restart).
///
/// The core hands a new checkpoint to its edge (`AgentAction.checkpoint`) as the first
/// action of every step that changed it; the edge must make it durable before it carries
/// out the step's other actions, so that nothing is launched and no update is sent that a
/// restarted agent would not know of.
public struct AgentCheckpoint: Codable, Sendable, Equatable {
    /// Bumped when the layout changes; an agent refuses a checkpoint it cannot read.
    public static let formatVersion = 1

    public var formatVersion = AgentCheckpoint.formatVersion
    public var agentID: Mesos.AgentID?
    /// What the agent announced: a restart with other resources or attributes is refused
    /// (Mesos' `--reconfiguration_policy=equal`).
    public var agentInfo: Mesos.AgentInfo
    /// The boot the processes were started in: after a reboot none of them runs.
    public var bootID: String
    /// Frameworks that checkpoint.
    public var frameworks: [Mesos.FrameworkInfo] = []
    /// Their executors and tasks.
    public var executors: [ExecutorRun] = []
    /// Their executors shut down and not yet gone, whose tasks' updates are not sent.
    public var silencedExecutors: [ExecutorKey] = []
    /// Every container started and not yet known to have ended, of every framework.
    public var containers: [CheckpointedContainer] = []
    /// Their unacknowledged status updates, oldest first per task.
    public var updates: [PendingUpdates] = []

    public init(agentID: Mesos.AgentID?, agentInfo: Mesos.AgentInfo, bootID: String) {
        self.agentID = agentID
        self.agentInfo = agentInfo
        self.bootID = bootID
    }
}

/// A container in the checkpoint: whose it is, its process once started, and whether a
/// restarted agent takes it back (its framework checkpoints) or kills it.
public struct CheckpointedContainer: Codable, Sendable, Equatable {
    public var containerID: Mesos.ContainerID
    public var executor: ExecutorKey
    public var task: Mesos.TaskID?
    /// Nil until the process has started.
    public var process: ProcessIdentity?
    public var recover: Bool
}

/// One task's unacknowledged status updates, oldest first.
public struct PendingUpdates: Codable, Sendable, Equatable {
    public var task: TaskKey
    public var statuses: [Mesos.TaskStatus]
}

/// A process as a restarted agent finds it again: its pid and its start time (field 22 of
/// /proc/PID/stat), which no later process reusing the pid repeats within a boot.
public struct ProcessIdentity: Codable, Hashable, Sendable {
    public var pid: Int32
    public var startTime: UInt64

    public init(pid: Int32, startTime: UInt64) {
        self.pid = pid
        self.startTime = startTime
    }
}

extension Agent {
    /// The agent's state as the checkpoint keeps it.
    public var checkpoint: AgentCheckpoint {
        var checkpoint = AgentCheckpoint(agentID: agentID, agentInfo: config.agentInfo, bootID: config.bootID)
        let kept = Set(frameworks.filter { $0.value.checkpoint == true }.keys)
        checkpoint.frameworks = kept.sorted { $0.value < $1.value }.map { frameworks[$0]! }
        checkpoint.executors = executors.keys.sorted().filter { kept.contains($0.framework) }.map { executors[$0]! }
        checkpoint.silencedExecutors = silencedExecutors.sorted().filter { kept.contains($0.framework) }
        checkpoint.containers = containers.keys.sorted { $0.value < $1.value }.map { id in
            let owner = containers[id]!
            return CheckpointedContainer(
                containerID: id, executor: owner.executor, task: owner.task, process: owner.process,
                recover: kept.contains(owner.executor.framework))
        }
        checkpoint.updates = updates.all.filter { kept.contains($0.0.framework) }.map {
            PendingUpdates(task: $0.0, statuses: $0.1)
        }
        return checkpoint
    }
}
