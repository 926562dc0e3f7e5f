extension Mesos {
    /// A task a framework launches from an offer: run by `executor`, or, with `command` instead,
    /// by the agent's command executor. Left out: `check`, `discovery`, `limits`.
    public struct TaskInfo: Codable, Hashable, Sendable {
        public var name: String
        public var taskID: TaskID
        public var agentID: AgentID
        @Repeated public var resources: [Resource]
        public var executor: ExecutorInfo?
        public var command: CommandInfo?
        public var container: ContainerInfo?
        public var killPolicy: KillPolicy?
        public var data: Bytes?
        public var labels: Labels?
        public var maxCompletionTime: DurationInfo?
        public var healthCheck: HealthCheck?

        public init(
            name: String, taskID: TaskID, agentID: AgentID, resources: [Resource] = [], executor: ExecutorInfo? = nil,
            command: CommandInfo? = nil, container: ContainerInfo? = nil, killPolicy: KillPolicy? = nil,
            data: Bytes? = nil, labels: Labels? = nil, maxCompletionTime: DurationInfo? = nil,
            healthCheck: HealthCheck? = nil
        ) {
            self.name = name
            self.taskID = taskID
            self.agentID = agentID
            self.resources = resources
            self.executor = executor
            self.command = command
            self.container = container
            self.killPolicy = killPolicy
            self.data = data
            self.labels = labels
            self.maxCompletionTime = maxCompletionTime
            self.healthCheck = healthCheck
        }

        enum CodingKeys: String, CodingKey {
            case name
            case taskID = "task_id"
            case agentID = "agent_id"
            case resources
            case executor
            case command
            case container
            case killPolicy = "kill_policy"
            case data
            case labels
            case maxCompletionTime = "max_completion_time"
            case healthCheck = "health_check"
        }
    }

    /// Tasks launched together into one executor (LAUNCH_GROUP).
    public struct TaskGroupInfo: Codable, Hashable, Sendable {
        @Repeated public var tasks: [TaskInfo]

        public init(tasks: [TaskInfo] = []) {
            self.tasks = tasks
        }

        enum CodingKeys: String, CodingKey {
            case tasks
        }
    }

    /// How a task is killed: how long between the polite signal and SIGKILL.
    public struct KillPolicy: Codable, Hashable, Sendable {
        public var gracePeriod: DurationInfo?

        public init(gracePeriod: DurationInfo? = nil) {
            self.gracePeriod = gracePeriod
        }

        enum CodingKeys: String, CodingKey {
            case gracePeriod = "grace_period"
        }
    }
}
