import ClusterCore
import ClusterProtocol

/// The master's record of one task: what was launched, where, for which role, and the
/// latest state it heard. A task's resources come back to the allocator once the master
/// learns it is terminal (from an update's `latest_state`, before the framework has
/// acknowledged); the record itself goes when the framework acknowledges its terminal
/// update, or when the framework is removed.
public struct TaskRecord: Sendable, Equatable {
    public var info: Mesos.TaskInfo
    public var frameworkID: Mesos.FrameworkID
    public var agentID: Mesos.AgentID
    /// The custom or default executor running it; nil for a command task.
    public var executorID: Mesos.ExecutorID?
    public var role: String
    /// What it holds in the allocator (its TaskInfo's resources).
    public var resources: Resources
    /// The latest state known (an update's `latest_state` may run ahead of the update).
    public var state: Mesos.TaskState
    /// The newest status updates, oldest first, at most `statusesPerTaskMax`.
    public var statuses: [Mesos.TaskStatus]
    /// The update forwarded to the framework and not yet acknowledged.
    public var unacknowledged: Mesos.TaskStatus?
    /// The state of the latest update with a uuid forwarded to the framework (Mesos'
    /// `status_update_state`): what reconciliation answers. The latest state may run ahead
    /// of it, and a framework told a task finished must not hear it running afterwards.
    public var statusUpdateState: Mesos.TaskState? = nil
    public var resourcesRecovered = false

    public var taskID: Mesos.TaskID { info.taskID }
    /// What reconciliation tells the framework.
    public var reconciledState: Mesos.TaskState { statusUpdateState ?? state }
    public var key: TaskKey { TaskKey(framework: frameworkID, task: info.taskID) }
    public var isTerminal: Bool { state.isTerminal }

    /// Keeps `status` as the newest, dropping the oldest beyond `max`.
    mutating func record(_ status: Mesos.TaskStatus, keeping max: Int) {
        statuses.append(status)
        if statuses.count > max { statuses.removeFirst() }
    }
}
