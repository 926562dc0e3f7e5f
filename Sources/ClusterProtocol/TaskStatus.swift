extension Mesos {
    /// A task's state (the proto's `TaskState`).
    public enum TaskState: String, ProtoEnum, CaseIterable {
        case staging = "TASK_STAGING"
        case starting = "TASK_STARTING"
        case running = "TASK_RUNNING"
        case killing = "TASK_KILLING"
        case finished = "TASK_FINISHED"
        case failed = "TASK_FAILED"
        case killed = "TASK_KILLED"
        case error = "TASK_ERROR"
        case lost = "TASK_LOST"
        case dropped = "TASK_DROPPED"
        case unreachable = "TASK_UNREACHABLE"
        case gone = "TASK_GONE"
        case goneByOperator = "TASK_GONE_BY_OPERATOR"
        case unknown = "TASK_UNKNOWN"

        /// States a task never leaves (Mesos' `isTerminalState`). UNREACHABLE and UNKNOWN are not
        /// terminal: the task may still be running.
        public var isTerminal: Bool {
            switch self {
            case .finished, .failed, .killed, .error, .lost, .dropped, .gone, .goneByOperator: true
            case .staging, .starting, .running, .killing, .unreachable, .unknown: false
            }
        }
    }

    /// A status update about a task. An update that needs an acknowledgement carries `uuid` (16
    /// bytes); an answer to reconciliation carries none (`reason` REASON_RECONCILIATION, `source`
    /// SOURCE_MASTER). Left out: `check_status`, `container_status`, `limitation`.
    public struct TaskStatus: Codable, Hashable, Sendable {
        public var taskID: TaskID
        public var state: TaskState
        public var message: String?
        public var source: Source?
        public var reason: Reason?
        public var data: Bytes?
        public var agentID: AgentID?
        public var executorID: ExecutorID?
        /// Seconds since the Unix epoch.
        public var timestamp: Double?
        public var uuid: Bytes?
        public var healthy: Bool?
        public var labels: Labels?
        public var unreachableTime: TimeInfo?

        public init(
            taskID: TaskID, state: TaskState, message: String? = nil, source: Source? = nil, reason: Reason? = nil,
            data: Bytes? = nil, agentID: AgentID? = nil, executorID: ExecutorID? = nil, timestamp: Double? = nil,
            uuid: Bytes? = nil, healthy: Bool? = nil, labels: Labels? = nil, unreachableTime: TimeInfo? = nil
        ) {
            self.taskID = taskID
            self.state = state
            self.message = message
            self.source = source
            self.reason = reason
            self.data = data
            self.agentID = agentID
            self.executorID = executorID
            self.timestamp = timestamp
            self.uuid = uuid
            self.healthy = healthy
            self.labels = labels
            self.unreachableTime = unreachableTime
        }

        enum CodingKeys: String, CodingKey {
            case taskID = "task_id"
            case state
            case message
            case source
            case reason
            case data
            case agentID = "agent_id"
            case executorID = "executor_id"
            case timestamp
            case uuid
            case healthy
            case labels
            case unreachableTime = "unreachable_time"
        }

        /// Who sent the update.
        public enum Source: String, ProtoEnum {
            case master = "SOURCE_MASTER"
            case agent = "SOURCE_AGENT"
            case executor = "SOURCE_EXECUTOR"
        }

        /// Why the update was sent: every reason of v1 mesos.proto.
        public enum Reason: String, ProtoEnum {
            case commandExecutorFailed = "REASON_COMMAND_EXECUTOR_FAILED"
            case containerLaunchFailed = "REASON_CONTAINER_LAUNCH_FAILED"
            case containerLimitation = "REASON_CONTAINER_LIMITATION"
            case containerLimitationDisk = "REASON_CONTAINER_LIMITATION_DISK"
            case containerLimitationMemory = "REASON_CONTAINER_LIMITATION_MEMORY"
            case containerPreempted = "REASON_CONTAINER_PREEMPTED"
            case containerUpdateFailed = "REASON_CONTAINER_UPDATE_FAILED"
            case maxCompletionTimeReached = "REASON_MAX_COMPLETION_TIME_REACHED"
            case executorRegistrationTimeout = "REASON_EXECUTOR_REGISTRATION_TIMEOUT"
            case executorReregistrationTimeout = "REASON_EXECUTOR_REREGISTRATION_TIMEOUT"
            case executorTerminated = "REASON_EXECUTOR_TERMINATED"
            case executorUnregistered = "REASON_EXECUTOR_UNREGISTERED"
            case frameworkRemoved = "REASON_FRAMEWORK_REMOVED"
            case gcError = "REASON_GC_ERROR"
            case invalidFrameworkID = "REASON_INVALID_FRAMEWORKID"
            case invalidOffers = "REASON_INVALID_OFFERS"
            case ioSwitchboardExited = "REASON_IO_SWITCHBOARD_EXITED"
            case masterDisconnected = "REASON_MASTER_DISCONNECTED"
            case reconciliation = "REASON_RECONCILIATION"
            case resourcesUnknown = "REASON_RESOURCES_UNKNOWN"
            case agentDisconnected = "REASON_AGENT_DISCONNECTED"
            case agentDraining = "REASON_AGENT_DRAINING"
            case agentRemoved = "REASON_AGENT_REMOVED"
            case agentRemovedByOperator = "REASON_AGENT_REMOVED_BY_OPERATOR"
            case agentReregistered = "REASON_AGENT_REREGISTERED"
            case agentRestarted = "REASON_AGENT_RESTARTED"
            case agentUnknown = "REASON_AGENT_UNKNOWN"
            case taskKilledDuringLaunch = "REASON_TASK_KILLED_DURING_LAUNCH"
            case taskCheckStatusUpdated = "REASON_TASK_CHECK_STATUS_UPDATED"
            case taskHealthCheckStatusUpdated = "REASON_TASK_HEALTH_CHECK_STATUS_UPDATED"
            case taskGroupInvalid = "REASON_TASK_GROUP_INVALID"
            case taskGroupUnauthorized = "REASON_TASK_GROUP_UNAUTHORIZED"
            case taskInvalid = "REASON_TASK_INVALID"
            case taskUnauthorized = "REASON_TASK_UNAUTHORIZED"
            case taskUnknown = "REASON_TASK_UNKNOWN"
        }
    }
}
