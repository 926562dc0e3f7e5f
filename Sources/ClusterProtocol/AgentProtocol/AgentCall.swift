/// Corral's own master–agent protocol (not libprocess), version `AgentProtocolVersion.current`:
/// HTTP and JSON in the shape of Mesos' v1 APIs. The agent POSTs REGISTER to the master's
/// `/corral/v1/agent` and keeps the response open: a RecordIO stream of `AgentEvent`s,
/// with the stream's id in the `Corral-Stream-Id` header. Every other call is a separate
/// POST to the same path carrying that header, answered 202. docs/agent-protocol.md
/// describes it.
public enum AgentProtocolVersion {
    public static let current = 4
    public static let path = "/corral/v1/agent"
    public static let streamIDHeader = "Corral-Stream-Id"
}

/// A call from an agent to the master.
public struct AgentCall: Codable, Hashable, Sendable {
    public enum Kind: String, Codable, Hashable, Sendable {
        case register = "REGISTER"
        case update = "UPDATE"
        case executorExited = "EXECUTOR_EXITED"
        case message = "MESSAGE"
        /// The agent is leaving for good and has killed its containers (version 3): the
        /// master removes it, as Mesos' master does an agent that unregisters.
        case unregister = "UNREGISTER"
        /// The answer to a PING (version 4): an agent the master does not hear from for
        /// `--max-agent-ping-timeouts` pings is marked unreachable.
        case pong = "PONG"
    }

    public var type: Kind
    /// The agent's id, on every call but REGISTER.
    public var agentID: Mesos.AgentID?
    public var register: Register?
    public var update: Update?
    public var executorExited: ExecutorExited?
    public var message: Message?

    enum CodingKeys: String, CodingKey {
        case type
        case agentID = "agent_id"
        case register, update
        case executorExited = "executor_exited"
        case message
    }

    public init(
        type: Kind, agentID: Mesos.AgentID? = nil, register: Register? = nil, update: Update? = nil,
        executorExited: ExecutorExited? = nil, message: Message? = nil
    ) {
        self.type = type
        self.agentID = agentID
        self.register = register
        self.update = update
        self.executorExited = executorExited
        self.message = message
    }

    /// An agent registers with what it is and, when it has been registered before (with
    /// this master or an earlier leader), its id and everything it runs.
    public struct Register: Codable, Hashable, Sendable {
        /// `id` set when re-registering.
        public var agentInfo: Mesos.AgentInfo
        public var version: Int
        public var frameworks: [Mesos.FrameworkInfo]
        public var executors: [Executor]
        public var tasks: [Mesos.Task]

        enum CodingKeys: String, CodingKey {
            case agentInfo = "agent_info"
            case version, frameworks, executors, tasks
        }

        public init(
            agentInfo: Mesos.AgentInfo, version: Int = AgentProtocolVersion.current,
            frameworks: [Mesos.FrameworkInfo] = [], executors: [Executor] = [], tasks: [Mesos.Task] = []
        ) {
            self.agentInfo = agentInfo
            self.version = version
            self.frameworks = frameworks
            self.executors = executors
            self.tasks = tasks
        }
    }

    /// An executor running on the agent (custom or default; command tasks have none).
    public struct Executor: Codable, Hashable, Sendable {
        public var frameworkID: Mesos.FrameworkID
        public var executorInfo: Mesos.ExecutorInfo

        enum CodingKeys: String, CodingKey {
            case frameworkID = "framework_id"
            case executorInfo = "executor_info"
        }

        public init(frameworkID: Mesos.FrameworkID, executorInfo: Mesos.ExecutorInfo) {
            self.frameworkID = frameworkID
            self.executorInfo = executorInfo
        }
    }

    /// A status update with its uuid, sent until the master forwards the framework's
    /// acknowledgement; `latest_state` is the newest state the agent knows, which may be
    /// ahead of this update (as in Mesos).
    public struct Update: Codable, Hashable, Sendable {
        public var frameworkID: Mesos.FrameworkID
        public var status: Mesos.TaskStatus
        public var latestState: Mesos.TaskState?

        enum CodingKeys: String, CodingKey {
            case frameworkID = "framework_id"
            case status
            case latestState = "latest_state"
        }

        public init(frameworkID: Mesos.FrameworkID, status: Mesos.TaskStatus, latestState: Mesos.TaskState? = nil) {
            self.frameworkID = frameworkID
            self.status = status
            self.latestState = latestState
        }
    }

    /// An executor ended: its own resources go back.
    public struct ExecutorExited: Codable, Hashable, Sendable {
        public var frameworkID: Mesos.FrameworkID
        public var executorID: Mesos.ExecutorID
        public var status: Int32?

        enum CodingKeys: String, CodingKey {
            case frameworkID = "framework_id"
            case executorID = "executor_id"
            case status
        }

        public init(frameworkID: Mesos.FrameworkID, executorID: Mesos.ExecutorID, status: Int32? = nil) {
            self.frameworkID = frameworkID
            self.executorID = executorID
            self.status = status
        }
    }

    /// A message from an executor to its scheduler.
    public typealias Message = ExecutorMessage
}
