/// A framework message between a scheduler and one of its executors, as it crosses from
/// master to agent (AgentEvent.MESSAGE) or back (AgentCall.MESSAGE).
public struct ExecutorMessage: Codable, Hashable, Sendable {
    public var frameworkID: Mesos.FrameworkID
    public var executorID: Mesos.ExecutorID
    public var data: Mesos.Bytes

    enum CodingKeys: String, CodingKey {
        case frameworkID = "framework_id"
        case executorID = "executor_id"
        case data
    }

    public init(frameworkID: Mesos.FrameworkID, executorID: Mesos.ExecutorID, data: Mesos.Bytes) {
        self.frameworkID = frameworkID
        self.executorID = executorID
        self.data = data
    }
}
