/// A task is named by its framework and its id.
public struct TaskKey: Codable, Hashable, Comparable, Sendable {
    public var framework: Mesos.FrameworkID
    public var task: Mesos.TaskID

    public init(framework: Mesos.FrameworkID, task: Mesos.TaskID) {
        self.framework = framework
        self.task = task
    }

    public static func < (lhs: TaskKey, rhs: TaskKey) -> Bool {
        (lhs.framework.value, lhs.task.value) < (rhs.framework.value, rhs.task.value)
    }
}
