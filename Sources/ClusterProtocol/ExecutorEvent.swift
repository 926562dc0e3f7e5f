extension Mesos {
    /// An event from an agent to an executor (executor.proto's `Event`), streamed as RecordIO
    /// on the SUBSCRIBE connection.
    public struct ExecutorEvent: Codable, Hashable, Sendable {
        public var type: Kind
        public var subscribed: Subscribed?
        public var acknowledged: Acknowledged?
        public var launch: Launch?
        public var launchGroup: LaunchGroup?
        public var kill: Kill?
        public var message: Message?
        public var error: Error?

        public init(
            type: Kind, subscribed: Subscribed? = nil, acknowledged: Acknowledged? = nil, launch: Launch? = nil,
            launchGroup: LaunchGroup? = nil, kill: Kill? = nil, message: Message? = nil, error: Error? = nil
        ) {
            self.type = type
            self.subscribed = subscribed
            self.acknowledged = acknowledged
            self.launch = launch
            self.launchGroup = launchGroup
            self.kill = kill
            self.message = message
            self.error = error
        }

        enum CodingKeys: String, CodingKey {
            case type
            case subscribed
            case acknowledged
            case launch
            case launchGroup = "launch_group"
            case kill
            case message
            case error
        }

        /// The proto's `Event.Type`.
        public enum Kind: String, ProtoEnum {
            case unknown = "UNKNOWN"
            case subscribed = "SUBSCRIBED"
            case launch = "LAUNCH"
            case launchGroup = "LAUNCH_GROUP"
            case kill = "KILL"
            case acknowledged = "ACKNOWLEDGED"
            case message = "MESSAGE"
            case error = "ERROR"
            case shutdown = "SHUTDOWN"
            case heartbeat = "HEARTBEAT"
        }

        public struct Subscribed: Codable, Hashable, Sendable {
            public var executorInfo: ExecutorInfo
            public var frameworkInfo: FrameworkInfo
            public var agentInfo: AgentInfo
            public var containerID: ContainerID?

            public init(
                executorInfo: ExecutorInfo, frameworkInfo: FrameworkInfo, agentInfo: AgentInfo,
                containerID: ContainerID? = nil
            ) {
                self.executorInfo = executorInfo
                self.frameworkInfo = frameworkInfo
                self.agentInfo = agentInfo
                self.containerID = containerID
            }

            enum CodingKeys: String, CodingKey {
                case executorInfo = "executor_info"
                case frameworkInfo = "framework_info"
                case agentInfo = "agent_info"
                case containerID = "container_id"
            }
        }

        public struct Acknowledged: Codable, Hashable, Sendable {
            public var taskID: TaskID
            public var uuid: Bytes

            public init(taskID: TaskID, uuid: Bytes) {
                self.taskID = taskID
                self.uuid = uuid
            }

            enum CodingKeys: String, CodingKey {
                case taskID = "task_id"
                case uuid
            }
        }

        public struct Launch: Codable, Hashable, Sendable {
            public var task: TaskInfo

            public init(task: TaskInfo) {
                self.task = task
            }

            enum CodingKeys: String, CodingKey {
                case task
            }
        }

        public struct LaunchGroup: Codable, Hashable, Sendable {
            public var taskGroup: TaskGroupInfo

            public init(taskGroup: TaskGroupInfo) {
                self.taskGroup = taskGroup
            }

            enum CodingKeys: String, CodingKey {
                case taskGroup = "task_group"
            }
        }

        public struct Kill: Codable, Hashable, Sendable {
            public var taskID: TaskID
            public var killPolicy: KillPolicy?

            public init(taskID: TaskID, killPolicy: KillPolicy? = nil) {
                self.taskID = taskID
                self.killPolicy = killPolicy
            }

            enum CodingKeys: String, CodingKey {
                case taskID = "task_id"
                case killPolicy = "kill_policy"
            }
        }

        /// A message from the scheduler: the same record as the executor's MESSAGE call.
        public typealias Message = ExecutorCall.Message

        /// The same record as the scheduler's ERROR event.
        public typealias Error = SchedulerEvent.Error
    }
}

extension Mesos.ExecutorEvent {
    public static let heartbeat = Mesos.ExecutorEvent(type: .heartbeat)
    public static let shutdown = Mesos.ExecutorEvent(type: .shutdown)

    public static func subscribed(
        executorInfo: Mesos.ExecutorInfo, frameworkInfo: Mesos.FrameworkInfo, agentInfo: Mesos.AgentInfo,
        containerID: Mesos.ContainerID? = nil
    ) -> Mesos.ExecutorEvent {
        Mesos.ExecutorEvent(
            type: .subscribed,
            subscribed: Subscribed(
                executorInfo: executorInfo, frameworkInfo: frameworkInfo, agentInfo: agentInfo,
                containerID: containerID))
    }

    public static func acknowledged(taskID: Mesos.TaskID, uuid: Mesos.Bytes) -> Mesos.ExecutorEvent {
        Mesos.ExecutorEvent(type: .acknowledged, acknowledged: Acknowledged(taskID: taskID, uuid: uuid))
    }

    public static func launch(_ task: Mesos.TaskInfo) -> Mesos.ExecutorEvent {
        Mesos.ExecutorEvent(type: .launch, launch: Launch(task: task))
    }

    public static func launchGroup(_ taskGroup: Mesos.TaskGroupInfo) -> Mesos.ExecutorEvent {
        Mesos.ExecutorEvent(type: .launchGroup, launchGroup: LaunchGroup(taskGroup: taskGroup))
    }

    public static func kill(_ taskID: Mesos.TaskID, killPolicy: Mesos.KillPolicy? = nil) -> Mesos.ExecutorEvent {
        Mesos.ExecutorEvent(type: .kill, kill: Kill(taskID: taskID, killPolicy: killPolicy))
    }

    public static func message(_ data: Mesos.Bytes) -> Mesos.ExecutorEvent {
        Mesos.ExecutorEvent(type: .message, message: Message(data: data))
    }

    public static func error(_ message: String) -> Mesos.ExecutorEvent {
        Mesos.ExecutorEvent(type: .error, error: Error(message: message))
    }
}
