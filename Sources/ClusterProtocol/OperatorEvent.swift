extension Mesos {
    /// An event on the operator API's SUBSCRIBE stream (master.proto's `Event`).
    public struct OperatorEvent: Codable, Hashable, Sendable {
        public var type: Kind
        public var subscribed: Subscribed?
        public var taskAdded: TaskAdded?
        public var taskUpdated: TaskUpdated?
        public var agentAdded: AgentAdded?
        public var agentRemoved: AgentRemoved?
        public var frameworkAdded: FrameworkAdded?
        public var frameworkUpdated: FrameworkUpdated?
        public var frameworkRemoved: FrameworkRemoved?

        public init(
            type: Kind, subscribed: Subscribed? = nil, taskAdded: TaskAdded? = nil, taskUpdated: TaskUpdated? = nil,
            agentAdded: AgentAdded? = nil, agentRemoved: AgentRemoved? = nil, frameworkAdded: FrameworkAdded? = nil,
            frameworkUpdated: FrameworkUpdated? = nil, frameworkRemoved: FrameworkRemoved? = nil
        ) {
            self.type = type
            self.subscribed = subscribed
            self.taskAdded = taskAdded
            self.taskUpdated = taskUpdated
            self.agentAdded = agentAdded
            self.agentRemoved = agentRemoved
            self.frameworkAdded = frameworkAdded
            self.frameworkUpdated = frameworkUpdated
            self.frameworkRemoved = frameworkRemoved
        }

        enum CodingKeys: String, CodingKey {
            case type
            case subscribed
            case taskAdded = "task_added"
            case taskUpdated = "task_updated"
            case agentAdded = "agent_added"
            case agentRemoved = "agent_removed"
            case frameworkAdded = "framework_added"
            case frameworkUpdated = "framework_updated"
            case frameworkRemoved = "framework_removed"
        }

        /// The proto's `Event.Type`.
        public enum Kind: String, ProtoEnum {
            case unknown = "UNKNOWN"
            case subscribed = "SUBSCRIBED"
            case taskAdded = "TASK_ADDED"
            case taskUpdated = "TASK_UPDATED"
            case agentAdded = "AGENT_ADDED"
            case agentRemoved = "AGENT_REMOVED"
            case frameworkAdded = "FRAMEWORK_ADDED"
            case frameworkUpdated = "FRAMEWORK_UPDATED"
            case frameworkRemoved = "FRAMEWORK_REMOVED"
            case heartbeat = "HEARTBEAT"
        }

        public struct Subscribed: Codable, Hashable, Sendable {
            public var getState: OperatorResponse.GetState?
            public var heartbeatIntervalSeconds: Double?

            public init(getState: OperatorResponse.GetState? = nil, heartbeatIntervalSeconds: Double? = nil) {
                self.getState = getState
                self.heartbeatIntervalSeconds = heartbeatIntervalSeconds
            }

            enum CodingKeys: String, CodingKey {
                case getState = "get_state"
                case heartbeatIntervalSeconds = "heartbeat_interval_seconds"
            }
        }

        public struct TaskAdded: Codable, Hashable, Sendable {
            public var task: Task

            public init(task: Task) {
                self.task = task
            }

            enum CodingKeys: String, CodingKey {
                case task
            }
        }

        public struct TaskUpdated: Codable, Hashable, Sendable {
            public var frameworkID: FrameworkID
            public var status: TaskStatus
            public var state: TaskState

            public init(frameworkID: FrameworkID, status: TaskStatus, state: TaskState) {
                self.frameworkID = frameworkID
                self.status = status
                self.state = state
            }

            enum CodingKeys: String, CodingKey {
                case frameworkID = "framework_id"
                case status
                case state
            }
        }

        public struct AgentAdded: Codable, Hashable, Sendable {
            public var agent: OperatorResponse.GetAgents.Agent

            public init(agent: OperatorResponse.GetAgents.Agent) {
                self.agent = agent
            }

            enum CodingKeys: String, CodingKey {
                case agent
            }
        }

        public struct AgentRemoved: Codable, Hashable, Sendable {
            public var agentID: AgentID

            public init(agentID: AgentID) {
                self.agentID = agentID
            }

            enum CodingKeys: String, CodingKey {
                case agentID = "agent_id"
            }
        }

        public struct FrameworkAdded: Codable, Hashable, Sendable {
            public var framework: OperatorResponse.GetFrameworks.Framework

            public init(framework: OperatorResponse.GetFrameworks.Framework) {
                self.framework = framework
            }

            enum CodingKeys: String, CodingKey {
                case framework
            }
        }

        public struct FrameworkUpdated: Codable, Hashable, Sendable {
            public var framework: OperatorResponse.GetFrameworks.Framework

            public init(framework: OperatorResponse.GetFrameworks.Framework) {
                self.framework = framework
            }

            enum CodingKeys: String, CodingKey {
                case framework
            }
        }

        public struct FrameworkRemoved: Codable, Hashable, Sendable {
            public var frameworkInfo: FrameworkInfo

            public init(frameworkInfo: FrameworkInfo) {
                self.frameworkInfo = frameworkInfo
            }

            enum CodingKeys: String, CodingKey {
                case frameworkInfo = "framework_info"
            }
        }
    }
}

extension Mesos.OperatorEvent {
    public static let heartbeat = Mesos.OperatorEvent(type: .heartbeat)

    public static func subscribed(
        getState: Mesos.OperatorResponse.GetState?, heartbeatIntervalSeconds: Double? = nil
    ) -> Mesos.OperatorEvent {
        Mesos.OperatorEvent(
            type: .subscribed,
            subscribed: Subscribed(getState: getState, heartbeatIntervalSeconds: heartbeatIntervalSeconds))
    }

    public static func taskAdded(_ task: Mesos.Task) -> Mesos.OperatorEvent {
        Mesos.OperatorEvent(type: .taskAdded, taskAdded: TaskAdded(task: task))
    }

    public static func taskUpdated(
        frameworkID: Mesos.FrameworkID, status: Mesos.TaskStatus, state: Mesos.TaskState
    ) -> Mesos.OperatorEvent {
        Mesos.OperatorEvent(
            type: .taskUpdated, taskUpdated: TaskUpdated(frameworkID: frameworkID, status: status, state: state))
    }

    public static func agentAdded(_ agent: Mesos.OperatorResponse.GetAgents.Agent) -> Mesos.OperatorEvent {
        Mesos.OperatorEvent(type: .agentAdded, agentAdded: AgentAdded(agent: agent))
    }

    public static func agentRemoved(_ agentID: Mesos.AgentID) -> Mesos.OperatorEvent {
        Mesos.OperatorEvent(type: .agentRemoved, agentRemoved: AgentRemoved(agentID: agentID))
    }

    public static func frameworkAdded(_ framework: Mesos.OperatorResponse.GetFrameworks.Framework)
        -> Mesos.OperatorEvent
    {
        Mesos.OperatorEvent(type: .frameworkAdded, frameworkAdded: FrameworkAdded(framework: framework))
    }

    public static func frameworkUpdated(
        _ framework: Mesos.OperatorResponse.GetFrameworks.Framework
    ) -> Mesos.OperatorEvent {
        Mesos.OperatorEvent(type: .frameworkUpdated, frameworkUpdated: FrameworkUpdated(framework: framework))
    }

    public static func frameworkRemoved(_ frameworkInfo: Mesos.FrameworkInfo) -> Mesos.OperatorEvent {
        Mesos.OperatorEvent(type: .frameworkRemoved, frameworkRemoved: FrameworkRemoved(frameworkInfo: frameworkInfo))
    }
}
