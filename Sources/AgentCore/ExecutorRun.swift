import ClusterProtocol

/// One executor on the agent and the tasks it runs. Corral's agent is its own command
/// executor and default executor: a command task is an executor of one task whose
/// process is the task's command; a task group on the default executor runs each task
/// in a container of its own. A custom executor is a process of the framework's that
/// subscribes to the agent's executor API and is sent its tasks.
public struct ExecutorRun: Codable, Sendable, Equatable {
    public enum Kind: String, Codable, Sendable, Equatable {
        /// A command task: the executor id is the task id.
        case command
        /// A task group on Corral's default executor.
        case taskGroup
        /// The framework's own executor process.
        case custom
    }

    public enum Phase: Codable, Sendable, Equatable {
        /// Started, not yet subscribed (custom executors only); killed at the deadline.
        case launching(deadline: Int64)
        case running
        /// SHUTDOWN sent; killed at the deadline if still there.
        case shuttingDown(deadline: Int64)
        case terminated
    }

    public var info: Mesos.ExecutorInfo
    public var frameworkID: Mesos.FrameworkID
    public var kind: Kind
    /// The executor's own process (command tasks and custom executors).
    public var containerID: Mesos.ContainerID?
    public var sandbox: String
    /// The subscribed executor's stream (not checkpointed: a restarted agent has none).
    public var stream: StreamID?
    public var phase: Phase
    public var tasks: [Mesos.TaskID: TaskRun] = [:]
    /// Tasks for a custom executor that has not subscribed yet.
    public var queued: [Mesos.TaskInfo] = []
    public var queuedGroups: [Mesos.TaskGroupInfo] = []
    /// Set when the agent kills the executor for not subscribing in time.
    public var missedRegistration = false

    public var key: ExecutorKey { ExecutorKey(framework: frameworkID, executor: info.executorID) }

    enum CodingKeys: String, CodingKey {
        case info, frameworkID, kind, containerID, sandbox, phase, tasks, queued, queuedGroups, missedRegistration
    }

    /// Every task has ended and nothing of the executor runs.
    public var isIdle: Bool {
        queued.isEmpty && queuedGroups.isEmpty && tasks.values.allSatisfy { $0.state.isTerminal }
    }
}

/// One task on the agent.
public struct TaskRun: Codable, Sendable, Equatable {
    public var info: Mesos.TaskInfo
    public var state: Mesos.TaskState
    /// Its own container: command tasks and tasks of a group.
    public var containerID: Mesos.ContainerID?
    public var killRequested = false
    /// Why the group it belongs to is being killed, if it is.
    public var groupFailure: String?
}

/// An executor is named by its framework and its id.
public struct ExecutorKey: Codable, Hashable, Comparable, Sendable {
    public var framework: Mesos.FrameworkID
    public var executor: Mesos.ExecutorID

    public init(framework: Mesos.FrameworkID, executor: Mesos.ExecutorID) {
        self.framework = framework
        self.executor = executor
    }

    public static func < (lhs: ExecutorKey, rhs: ExecutorKey) -> Bool {
        (lhs.framework.value, lhs.executor.value) < (rhs.framework.value, rhs.executor.value)
    }
}
