extension Mesos {
    /// The master's record of a task, as the operator API reports it. `status_update_state` and
    /// `status_update_uuid` are the latest update not yet acknowledged. Left out: `discovery`,
    /// `health_check`, `limits`.
    public struct Task: Codable, Hashable, Sendable {
        public var name: String
        public var taskID: TaskID
        public var frameworkID: FrameworkID
        public var executorID: ExecutorID?
        public var agentID: AgentID
        public var state: TaskState
        @Repeated public var resources: [Resource]
        @Repeated public var statuses: [TaskStatus]
        public var statusUpdateState: TaskState?
        public var statusUpdateUuid: Bytes?
        public var labels: Labels?
        public var container: ContainerInfo?
        public var killPolicy: KillPolicy?
        public var user: String?

        public init(
            name: String, taskID: TaskID, frameworkID: FrameworkID, executorID: ExecutorID? = nil, agentID: AgentID,
            state: TaskState, resources: [Resource] = [], statuses: [TaskStatus] = [],
            statusUpdateState: TaskState? = nil, statusUpdateUuid: Bytes? = nil, labels: Labels? = nil,
            container: ContainerInfo? = nil, killPolicy: KillPolicy? = nil, user: String? = nil
        ) {
            self.name = name
            self.taskID = taskID
            self.frameworkID = frameworkID
            self.executorID = executorID
            self.agentID = agentID
            self.state = state
            self.resources = resources
            self.statuses = statuses
            self.statusUpdateState = statusUpdateState
            self.statusUpdateUuid = statusUpdateUuid
            self.labels = labels
            self.container = container
            self.killPolicy = killPolicy
            self.user = user
        }

        enum CodingKeys: String, CodingKey {
            case name
            case taskID = "task_id"
            case frameworkID = "framework_id"
            case executorID = "executor_id"
            case agentID = "agent_id"
            case state
            case resources
            case statuses
            case statusUpdateState = "status_update_state"
            case statusUpdateUuid = "status_update_uuid"
            case labels
            case container
            case killPolicy = "kill_policy"
            case user
        }
    }
}
