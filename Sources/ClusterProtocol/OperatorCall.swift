extension Mesos {
    /// A call to the master's operator API (master.proto's `Call`), POSTed to
    /// `/api/v1`. The GET_* calls and SUBSCRIBE carry no payload; of the others TEARDOWN's
    /// and the agent maintenance calls' are here.
    public struct OperatorCall: Codable, Hashable, Sendable {
        public var type: Kind
        public var teardown: Teardown?
        public var drainAgent: DrainAgent?
        public var deactivateAgent: AgentOnly?
        public var reactivateAgent: AgentOnly?
        public var markAgentGone: AgentOnly?

        public init(
            type: Kind, teardown: Teardown? = nil, drainAgent: DrainAgent? = nil, deactivateAgent: AgentOnly? = nil,
            reactivateAgent: AgentOnly? = nil, markAgentGone: AgentOnly? = nil
        ) {
            self.type = type
            self.teardown = teardown
            self.drainAgent = drainAgent
            self.deactivateAgent = deactivateAgent
            self.reactivateAgent = reactivateAgent
            self.markAgentGone = markAgentGone
        }

        enum CodingKeys: String, CodingKey {
            case type
            case teardown
            case drainAgent = "drain_agent"
            case deactivateAgent = "deactivate_agent"
            case reactivateAgent = "reactivate_agent"
            case markAgentGone = "mark_agent_gone"
        }

        /// DRAIN_AGENT's payload.
        public struct DrainAgent: Codable, Hashable, Sendable {
            public var agentID: AgentID
            public var maxGracePeriod: DurationInfo?
            public var markGone: Bool?

            public init(agentID: AgentID, maxGracePeriod: DurationInfo? = nil, markGone: Bool? = nil) {
                self.agentID = agentID
                self.maxGracePeriod = maxGracePeriod
                self.markGone = markGone
            }

            enum CodingKeys: String, CodingKey {
                case agentID = "agent_id"
                case maxGracePeriod = "max_grace_period"
                case markGone = "mark_gone"
            }
        }

        /// DEACTIVATE_AGENT's, REACTIVATE_AGENT's and MARK_AGENT_GONE's payload.
        public struct AgentOnly: Codable, Hashable, Sendable {
            public var agentID: AgentID

            public init(agentID: AgentID) { self.agentID = agentID }

            enum CodingKeys: String, CodingKey {
                case agentID = "agent_id"
            }
        }

        /// The proto's `Call.Type`.
        public enum Kind: String, ProtoEnum {
            case unknown = "UNKNOWN"
            case getHealth = "GET_HEALTH"
            case getFlags = "GET_FLAGS"
            case getVersion = "GET_VERSION"
            case getMetrics = "GET_METRICS"
            case getLoggingLevel = "GET_LOGGING_LEVEL"
            case setLoggingLevel = "SET_LOGGING_LEVEL"
            case listFiles = "LIST_FILES"
            case readFile = "READ_FILE"
            case getState = "GET_STATE"
            case getAgents = "GET_AGENTS"
            case getFrameworks = "GET_FRAMEWORKS"
            case getExecutors = "GET_EXECUTORS"
            case getOperations = "GET_OPERATIONS"
            case getTasks = "GET_TASKS"
            case getRoles = "GET_ROLES"
            case getWeights = "GET_WEIGHTS"
            case updateWeights = "UPDATE_WEIGHTS"
            case getMaster = "GET_MASTER"
            case subscribe = "SUBSCRIBE"
            case reserveResources = "RESERVE_RESOURCES"
            case unreserveResources = "UNRESERVE_RESOURCES"
            case createVolumes = "CREATE_VOLUMES"
            case destroyVolumes = "DESTROY_VOLUMES"
            case growVolume = "GROW_VOLUME"
            case shrinkVolume = "SHRINK_VOLUME"
            case getMaintenanceStatus = "GET_MAINTENANCE_STATUS"
            case getMaintenanceSchedule = "GET_MAINTENANCE_SCHEDULE"
            case updateMaintenanceSchedule = "UPDATE_MAINTENANCE_SCHEDULE"
            case startMaintenance = "START_MAINTENANCE"
            case stopMaintenance = "STOP_MAINTENANCE"
            case drainAgent = "DRAIN_AGENT"
            case deactivateAgent = "DEACTIVATE_AGENT"
            case reactivateAgent = "REACTIVATE_AGENT"
            case getQuota = "GET_QUOTA"
            case updateQuota = "UPDATE_QUOTA"
            case setQuota = "SET_QUOTA"
            case removeQuota = "REMOVE_QUOTA"
            case teardown = "TEARDOWN"
            case markAgentGone = "MARK_AGENT_GONE"
        }

        public struct Teardown: Codable, Hashable, Sendable {
            public var frameworkID: FrameworkID

            public init(frameworkID: FrameworkID) {
                self.frameworkID = frameworkID
            }

            enum CodingKeys: String, CodingKey {
                case frameworkID = "framework_id"
            }
        }
    }
}

extension Mesos.OperatorCall {
    public static func teardown(_ frameworkID: Mesos.FrameworkID) -> Mesos.OperatorCall {
        Mesos.OperatorCall(type: .teardown, teardown: Teardown(frameworkID: frameworkID))
    }

    /// DEACTIVATE_AGENT, REACTIVATE_AGENT or MARK_AGENT_GONE of one agent: the payload in
    /// the type's field (any other type carries none).
    public static func forAgent(_ type: Kind, _ agentID: Mesos.AgentID) -> Mesos.OperatorCall {
        let payload = AgentOnly(agentID: agentID)
        var call = Mesos.OperatorCall(type: type)
        switch type {
        case .deactivateAgent: call.deactivateAgent = payload
        case .reactivateAgent: call.reactivateAgent = payload
        case .markAgentGone: call.markAgentGone = payload
        default: break
        }
        return call
    }
}
