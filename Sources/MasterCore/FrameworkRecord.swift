import ClusterCore
import ClusterProtocol

/// The master's record of one framework: its FrameworkInfo (with the id the master gave
/// it), the stream it is subscribed on, its tasks and its executors.
public struct FrameworkRecord: Sendable {
    public var info: Mesos.FrameworkInfo
    /// The subscription stream; nil while the scheduler is disconnected.
    public var stream: StreamID?
    /// False while disconnected: it is offered nothing.
    public var active: Bool
    public var registeredAt: Int64
    public var reregisteredAt: Int64?
    public var disconnectedAt: Int64?
    /// When it is removed unless it subscribes again (its failover_timeout after it left).
    public var failoverDeadline: Int64?
    public var nextHeartbeatAt: Int64
    /// Its tasks that are not yet removed (running, or terminal and not acknowledged).
    public var tasks: [Mesos.TaskID: TaskRecord] = [:]
    /// Tasks removed, newest last, at most `completedTasksPerFrameworkMax`.
    public var completedTasks = RecentHistory<TaskRecord>()
    /// Its tasks on agents marked unreachable (partition-aware frameworks only), newest
    /// kept, at most `unreachableTasksPerFrameworkMax`: they come back if the agent does.
    public var unreachableTasks = RecentMap<Mesos.TaskID, TaskRecord>()
    /// Executors it runs, by agent.
    public var executors: [Mesos.AgentID: [Mesos.ExecutorID: Mesos.ExecutorInfo]] = [:]

    public var id: Mesos.FrameworkID { info.id! }
    public var modelID: FrameworkID { FrameworkID(id.value) }
    public var isConnected: Bool { stream != nil }

    /// Partition-aware frameworks hear TASK_UNREACHABLE, TASK_GONE, TASK_UNKNOWN and
    /// TASK_DROPPED where others hear TASK_LOST.
    public var isPartitionAware: Bool { info.capabilities.contains { $0.type == .partitionAware } }

    mutating func complete(_ task: TaskRecord, keeping max: Int) {
        tasks[task.taskID] = nil
        completedTasks.append(task, keeping: max)
    }
}
