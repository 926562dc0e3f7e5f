/// An event on an agent's stream from the master.
public struct AgentEvent: Codable, Hashable, Sendable {
    public enum Kind: String, Codable, Hashable, Sendable {
        case registered = "REGISTERED"
        case runTask = "RUN_TASK"
        case runTaskGroup = "RUN_TASK_GROUP"
        case killTask = "KILL_TASK"
        case acknowledge = "ACKNOWLEDGE"
        case shutdownFramework = "SHUTDOWN_FRAMEWORK"
        case shutdownExecutor = "SHUTDOWN_EXECUTOR"
        case message = "MESSAGE"
        case ping = "PING"
        case error = "ERROR"
        /// Kill every task, each within `drain.max_grace_period` if given; the tasks end
        /// TASK_KILLED with REASON_AGENT_DRAINING (version 4).
        case drain = "DRAIN"
        /// The operator marked this agent gone: kill everything, and stop (version 4).
        case shutdown = "SHUTDOWN"
    }

    public var type: Kind
    public var registered: Registered?
    public var runTask: RunTask?
    public var runTaskGroup: RunTaskGroup?
    public var killTask: KillTask?
    public var acknowledge: Acknowledge?
    public var shutdownFramework: ShutdownFramework?
    public var shutdownExecutor: ShutdownExecutor?
    public var message: Message?
    public var error: Error?
    public var drain: Drain?

    enum CodingKeys: String, CodingKey {
        case type, registered
        case runTask = "run_task"
        case runTaskGroup = "run_task_group"
        case killTask = "kill_task"
        case acknowledge
        case shutdownFramework = "shutdown_framework"
        case shutdownExecutor = "shutdown_executor"
        case message, error, drain
    }

    public init(
        type: Kind, registered: Registered? = nil, runTask: RunTask? = nil, runTaskGroup: RunTaskGroup? = nil,
        killTask: KillTask? = nil, acknowledge: Acknowledge? = nil, shutdownFramework: ShutdownFramework? = nil,
        shutdownExecutor: ShutdownExecutor? = nil, message: Message? = nil, error: Error? = nil, drain: Drain? = nil
    ) {
        self.type = type
        self.registered = registered
        self.runTask = runTask
        self.runTaskGroup = runTaskGroup
        self.killTask = killTask
        self.acknowledge = acknowledge
        self.shutdownFramework = shutdownFramework
        self.shutdownExecutor = shutdownExecutor
        self.message = message
        self.error = error
        self.drain = drain
    }

    public static let ping = AgentEvent(type: .ping)

    public struct Drain: Codable, Hashable, Sendable {
        /// The longest a task may take to end once killed; nil keeps each task's kill policy.
        public var maxGracePeriod: Mesos.DurationInfo?

        enum CodingKeys: String, CodingKey {
            case maxGracePeriod = "max_grace_period"
        }

        public init(maxGracePeriod: Mesos.DurationInfo?) {
            self.maxGracePeriod = maxGracePeriod
        }
    }

    public struct Registered: Codable, Hashable, Sendable {
        public var agentID: Mesos.AgentID
        public var masterInfo: Mesos.MasterInfo
        /// How often PING comes; an agent that hears nothing for several intervals
        /// registers again.
        public var pingIntervalSeconds: Double
        /// Live tasks the master placed on this agent that its REGISTER did not list (their
        /// RUN_TASK was lost with a stream): the agent reports each one it does not run
        /// TASK_LOST (TASK_DROPPED to a partition-aware framework), as Mesos' agent does.
        @Mesos.Repeated public var reconciliations: [Reconciliation]

        enum CodingKeys: String, CodingKey {
            case agentID = "agent_id"
            case masterInfo = "master_info"
            case pingIntervalSeconds = "ping_interval_seconds"
            case reconciliations
        }

        public init(
            agentID: Mesos.AgentID, masterInfo: Mesos.MasterInfo, pingIntervalSeconds: Double,
            reconciliations: [Reconciliation] = []
        ) {
            self.agentID = agentID
            self.masterInfo = masterInfo
            self.pingIntervalSeconds = pingIntervalSeconds
            self.reconciliations = reconciliations
        }
    }

    /// One framework's tasks the master expects on the agent.
    public struct Reconciliation: Codable, Hashable, Sendable {
        public var frameworkInfo: Mesos.FrameworkInfo
        @Mesos.Repeated public var taskIDs: [Mesos.TaskID]

        enum CodingKeys: String, CodingKey {
            case frameworkInfo = "framework_info"
            case taskIDs = "task_ids"
        }

        public init(frameworkInfo: Mesos.FrameworkInfo, taskIDs: [Mesos.TaskID]) {
            self.frameworkInfo = frameworkInfo
            self.taskIDs = taskIDs
        }
    }

    /// Run tasks: each a command task (no executor: the agent runs its command itself) or a
    /// task for a custom executor, started first if it is not running.
    public struct RunTask: Codable, Hashable, Sendable {
        public var frameworkInfo: Mesos.FrameworkInfo
        /// The tasks of one LAUNCH on this agent, each run as if sent alone: the framework's
        /// info goes once for all of them.
        @Mesos.Repeated public var tasks: [Mesos.TaskInfo]

        enum CodingKeys: String, CodingKey {
            case frameworkInfo = "framework_info"
            case tasks
        }

        public init(frameworkInfo: Mesos.FrameworkInfo, tasks: [Mesos.TaskInfo]) {
            self.frameworkInfo = frameworkInfo
            self.tasks = tasks
        }
    }

    /// Run a task group on one executor (the default executor, or a custom one).
    public struct RunTaskGroup: Codable, Hashable, Sendable {
        public var frameworkInfo: Mesos.FrameworkInfo
        public var executor: Mesos.ExecutorInfo
        public var taskGroup: Mesos.TaskGroupInfo

        enum CodingKeys: String, CodingKey {
            case frameworkInfo = "framework_info"
            case executor
            case taskGroup = "task_group"
        }

        public init(frameworkInfo: Mesos.FrameworkInfo, executor: Mesos.ExecutorInfo, taskGroup: Mesos.TaskGroupInfo) {
            self.frameworkInfo = frameworkInfo
            self.executor = executor
            self.taskGroup = taskGroup
        }
    }

    public struct KillTask: Codable, Hashable, Sendable {
        public var frameworkID: Mesos.FrameworkID
        public var taskID: Mesos.TaskID
        public var killPolicy: Mesos.KillPolicy?

        enum CodingKeys: String, CodingKey {
            case frameworkID = "framework_id"
            case taskID = "task_id"
            case killPolicy = "kill_policy"
        }

        public init(frameworkID: Mesos.FrameworkID, taskID: Mesos.TaskID, killPolicy: Mesos.KillPolicy? = nil) {
            self.frameworkID = frameworkID
            self.taskID = taskID
            self.killPolicy = killPolicy
        }
    }

    /// The framework acknowledged the update with this uuid.
    public struct Acknowledge: Codable, Hashable, Sendable {
        public var frameworkID: Mesos.FrameworkID
        public var taskID: Mesos.TaskID
        public var uuid: Mesos.Bytes

        enum CodingKeys: String, CodingKey {
            case frameworkID = "framework_id"
            case taskID = "task_id"
            case uuid
        }

        public init(frameworkID: Mesos.FrameworkID, taskID: Mesos.TaskID, uuid: Mesos.Bytes) {
            self.frameworkID = frameworkID
            self.taskID = taskID
            self.uuid = uuid
        }
    }

    public struct ShutdownFramework: Codable, Hashable, Sendable {
        public var frameworkID: Mesos.FrameworkID

        enum CodingKeys: String, CodingKey {
            case frameworkID = "framework_id"
        }

        public init(frameworkID: Mesos.FrameworkID) { self.frameworkID = frameworkID }
    }

    public struct ShutdownExecutor: Codable, Hashable, Sendable {
        public var frameworkID: Mesos.FrameworkID
        public var executorID: Mesos.ExecutorID

        enum CodingKeys: String, CodingKey {
            case frameworkID = "framework_id"
            case executorID = "executor_id"
        }

        public init(frameworkID: Mesos.FrameworkID, executorID: Mesos.ExecutorID) {
            self.frameworkID = frameworkID
            self.executorID = executorID
        }
    }

    /// A message from a scheduler to one of its executors.
    public typealias Message = ExecutorMessage

    public struct Error: Codable, Hashable, Sendable {
        public var message: String

        public init(message: String) { self.message = message }
    }
}
