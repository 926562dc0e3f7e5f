extension Mesos {
    /// The master's answer to an operator call (master.proto's `Response`). Left out: the
    /// payloads of flags, metrics, logging, files, operations, weights, maintenance and quota.
    public struct OperatorResponse: Codable, Hashable, Sendable {
        public var type: Kind
        public var getHealth: GetHealth?
        public var getVersion: GetVersion?
        public var getState: GetState?
        public var getAgents: GetAgents?
        public var getFrameworks: GetFrameworks?
        public var getExecutors: GetExecutors?
        public var getTasks: GetTasks?
        public var getRoles: GetRoles?
        public var getMaster: GetMaster?

        public init(
            type: Kind, getHealth: GetHealth? = nil, getVersion: GetVersion? = nil, getState: GetState? = nil,
            getAgents: GetAgents? = nil, getFrameworks: GetFrameworks? = nil, getExecutors: GetExecutors? = nil,
            getTasks: GetTasks? = nil, getRoles: GetRoles? = nil, getMaster: GetMaster? = nil
        ) {
            self.type = type
            self.getHealth = getHealth
            self.getVersion = getVersion
            self.getState = getState
            self.getAgents = getAgents
            self.getFrameworks = getFrameworks
            self.getExecutors = getExecutors
            self.getTasks = getTasks
            self.getRoles = getRoles
            self.getMaster = getMaster
        }

        enum CodingKeys: String, CodingKey {
            case type
            case getHealth = "get_health"
            case getVersion = "get_version"
            case getState = "get_state"
            case getAgents = "get_agents"
            case getFrameworks = "get_frameworks"
            case getExecutors = "get_executors"
            case getTasks = "get_tasks"
            case getRoles = "get_roles"
            case getMaster = "get_master"
        }

        /// The proto's `Response.Type`.
        public enum Kind: String, ProtoEnum {
            case unknown = "UNKNOWN"
            case getHealth = "GET_HEALTH"
            case getFlags = "GET_FLAGS"
            case getVersion = "GET_VERSION"
            case getMetrics = "GET_METRICS"
            case getLoggingLevel = "GET_LOGGING_LEVEL"
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
            case getMaster = "GET_MASTER"
            case getMaintenanceStatus = "GET_MAINTENANCE_STATUS"
            case getMaintenanceSchedule = "GET_MAINTENANCE_SCHEDULE"
            case getQuota = "GET_QUOTA"
        }

        public struct GetHealth: Codable, Hashable, Sendable {
            public var healthy: Bool

            public init(healthy: Bool) {
                self.healthy = healthy
            }

            enum CodingKeys: String, CodingKey {
                case healthy
            }
        }

        public struct GetVersion: Codable, Hashable, Sendable {
            public var versionInfo: VersionInfo

            public init(versionInfo: VersionInfo) {
                self.versionInfo = versionInfo
            }

            enum CodingKeys: String, CodingKey {
                case versionInfo = "version_info"
            }
        }

        public struct GetState: Codable, Hashable, Sendable {
            public var getTasks: GetTasks?
            public var getExecutors: GetExecutors?
            public var getFrameworks: GetFrameworks?
            public var getAgents: GetAgents?

            public init(
                getTasks: GetTasks? = nil, getExecutors: GetExecutors? = nil, getFrameworks: GetFrameworks? = nil,
                getAgents: GetAgents? = nil
            ) {
                self.getTasks = getTasks
                self.getExecutors = getExecutors
                self.getFrameworks = getFrameworks
                self.getAgents = getAgents
            }

            enum CodingKeys: String, CodingKey {
                case getTasks = "get_tasks"
                case getExecutors = "get_executors"
                case getFrameworks = "get_frameworks"
                case getAgents = "get_agents"
            }
        }

        public struct GetAgents: Codable, Hashable, Sendable {
            @Repeated public var agents: [Agent]
            @Repeated public var recoveredAgents: [AgentInfo]

            public init(agents: [Agent] = [], recoveredAgents: [AgentInfo] = []) {
                self.agents = agents
                self.recoveredAgents = recoveredAgents
            }

            enum CodingKeys: String, CodingKey {
                case agents
                case recoveredAgents = "recovered_agents"
            }

            /// Left out: capabilities, resource providers.
            public struct Agent: Codable, Hashable, Sendable {
                public var agentInfo: AgentInfo
                public var active: Bool
                public var deactivated: Bool?
                public var drainInfo: DrainInfo?
                public var version: String
                public var pid: String?
                public var registeredTime: TimeInfo?
                public var reregisteredTime: TimeInfo?
                @Repeated public var totalResources: [Resource]
                @Repeated public var allocatedResources: [Resource]
                @Repeated public var offeredResources: [Resource]

                public init(
                    agentInfo: AgentInfo, active: Bool, deactivated: Bool? = nil, version: String, pid: String? = nil,
                    registeredTime: TimeInfo? = nil, reregisteredTime: TimeInfo? = nil, totalResources: [Resource] = [],
                    allocatedResources: [Resource] = [], offeredResources: [Resource] = []
                ) {
                    self.agentInfo = agentInfo
                    self.active = active
                    self.deactivated = deactivated
                    self.version = version
                    self.pid = pid
                    self.registeredTime = registeredTime
                    self.reregisteredTime = reregisteredTime
                    self.totalResources = totalResources
                    self.allocatedResources = allocatedResources
                    self.offeredResources = offeredResources
                }

                enum CodingKeys: String, CodingKey {
                    case agentInfo = "agent_info"
                    case active
                    case deactivated
                    case drainInfo = "drain_info"
                    case version
                    case pid
                    case registeredTime = "registered_time"
                    case reregisteredTime = "reregistered_time"
                    case totalResources = "total_resources"
                    case allocatedResources = "allocated_resources"
                    case offeredResources = "offered_resources"
                }
            }
        }

        public struct GetFrameworks: Codable, Hashable, Sendable {
            @Repeated public var frameworks: [Framework]
            @Repeated public var completedFrameworks: [Framework]

            public init(frameworks: [Framework] = [], completedFrameworks: [Framework] = []) {
                self.frameworks = frameworks
                self.completedFrameworks = completedFrameworks
            }

            enum CodingKeys: String, CodingKey {
                case frameworks
                case completedFrameworks = "completed_frameworks"
            }

            /// Left out: inverse offers, offer constraints.
            public struct Framework: Codable, Hashable, Sendable {
                public var frameworkInfo: FrameworkInfo
                public var active: Bool
                public var connected: Bool
                public var recovered: Bool
                public var registeredTime: TimeInfo?
                public var reregisteredTime: TimeInfo?
                public var unregisteredTime: TimeInfo?
                @Repeated public var offers: [Offer]
                @Repeated public var allocatedResources: [Resource]
                @Repeated public var offeredResources: [Resource]

                public init(
                    frameworkInfo: FrameworkInfo, active: Bool, connected: Bool, recovered: Bool,
                    registeredTime: TimeInfo? = nil, reregisteredTime: TimeInfo? = nil,
                    unregisteredTime: TimeInfo? = nil, offers: [Offer] = [], allocatedResources: [Resource] = [],
                    offeredResources: [Resource] = []
                ) {
                    self.frameworkInfo = frameworkInfo
                    self.active = active
                    self.connected = connected
                    self.recovered = recovered
                    self.registeredTime = registeredTime
                    self.reregisteredTime = reregisteredTime
                    self.unregisteredTime = unregisteredTime
                    self.offers = offers
                    self.allocatedResources = allocatedResources
                    self.offeredResources = offeredResources
                }

                enum CodingKeys: String, CodingKey {
                    case frameworkInfo = "framework_info"
                    case active
                    case connected
                    case recovered
                    case registeredTime = "registered_time"
                    case reregisteredTime = "reregistered_time"
                    case unregisteredTime = "unregistered_time"
                    case offers
                    case allocatedResources = "allocated_resources"
                    case offeredResources = "offered_resources"
                }
            }
        }

        public struct GetExecutors: Codable, Hashable, Sendable {
            @Repeated public var executors: [Executor]

            public init(executors: [Executor] = []) {
                self.executors = executors
            }

            enum CodingKeys: String, CodingKey {
                case executors
            }

            public struct Executor: Codable, Hashable, Sendable {
                public var executorInfo: ExecutorInfo
                public var agentID: AgentID

                public init(executorInfo: ExecutorInfo, agentID: AgentID) {
                    self.executorInfo = executorInfo
                    self.agentID = agentID
                }

                enum CodingKeys: String, CodingKey {
                    case executorInfo = "executor_info"
                    case agentID = "agent_id"
                }
            }
        }

        public struct GetTasks: Codable, Hashable, Sendable {
            @Repeated public var pendingTasks: [Task]
            @Repeated public var tasks: [Task]
            @Repeated public var unreachableTasks: [Task]
            @Repeated public var completedTasks: [Task]

            public init(
                pendingTasks: [Task] = [], tasks: [Task] = [], unreachableTasks: [Task] = [],
                completedTasks: [Task] = []
            ) {
                self.pendingTasks = pendingTasks
                self.tasks = tasks
                self.unreachableTasks = unreachableTasks
                self.completedTasks = completedTasks
            }

            enum CodingKeys: String, CodingKey {
                case pendingTasks = "pending_tasks"
                case tasks
                case unreachableTasks = "unreachable_tasks"
                case completedTasks = "completed_tasks"
            }
        }

        public struct GetRoles: Codable, Hashable, Sendable {
            @Repeated public var roles: [Role]

            public init(roles: [Role] = []) {
                self.roles = roles
            }

            enum CodingKeys: String, CodingKey {
                case roles
            }
        }

        public struct GetMaster: Codable, Hashable, Sendable {
            public var masterInfo: MasterInfo?
            public var startTime: Double?
            public var electedTime: Double?

            public init(masterInfo: MasterInfo? = nil, startTime: Double? = nil, electedTime: Double? = nil) {
                self.masterInfo = masterInfo
                self.startTime = startTime
                self.electedTime = electedTime
            }

            enum CodingKeys: String, CodingKey {
                case masterInfo = "master_info"
                case startTime = "start_time"
                case electedTime = "elected_time"
            }
        }
    }

    /// `version` must be purely numeric `X.Y.Z`: clients parse each part as an integer.
    public struct VersionInfo: Codable, Hashable, Sendable {
        public var version: String
        public var buildDate: String?
        public var buildTime: Double?
        public var buildUser: String?
        public var gitSha: String?
        public var gitBranch: String?
        public var gitTag: String?

        public init(
            version: String, buildDate: String? = nil, buildTime: Double? = nil, buildUser: String? = nil,
            gitSha: String? = nil, gitBranch: String? = nil, gitTag: String? = nil
        ) {
            self.version = version
            self.buildDate = buildDate
            self.buildTime = buildTime
            self.buildUser = buildUser
            self.gitSha = gitSha
            self.gitBranch = gitBranch
            self.gitTag = gitTag
        }

        enum CodingKeys: String, CodingKey {
            case version
            case buildDate = "build_date"
            case buildTime = "build_time"
            case buildUser = "build_user"
            case gitSha = "git_sha"
            case gitBranch = "git_branch"
            case gitTag = "git_tag"
        }
    }

    /// A role as GET_ROLES reports it: its weight, its frameworks and the resources allocated to it.
    public struct Role: Codable, Hashable, Sendable {
        public var name: String
        public var weight: Double
        @Repeated public var frameworks: [FrameworkID]
        @Repeated public var resources: [Resource]

        public init(name: String, weight: Double, frameworks: [FrameworkID] = [], resources: [Resource] = []) {
            self.name = name
            self.weight = weight
            self.frameworks = frameworks
            self.resources = resources
        }

        enum CodingKeys: String, CodingKey {
            case name
            case weight
            case frameworks
            case resources
        }
    }
}

extension Mesos.OperatorResponse {
    public static func getHealth(healthy: Bool) -> Mesos.OperatorResponse {
        Mesos.OperatorResponse(type: .getHealth, getHealth: GetHealth(healthy: healthy))
    }

    public static func getVersion(_ versionInfo: Mesos.VersionInfo) -> Mesos.OperatorResponse {
        Mesos.OperatorResponse(type: .getVersion, getVersion: GetVersion(versionInfo: versionInfo))
    }

    public static func getState(_ state: GetState) -> Mesos.OperatorResponse {
        Mesos.OperatorResponse(type: .getState, getState: state)
    }

    public static func getAgents(_ agents: GetAgents) -> Mesos.OperatorResponse {
        Mesos.OperatorResponse(type: .getAgents, getAgents: agents)
    }

    public static func getFrameworks(_ frameworks: GetFrameworks) -> Mesos.OperatorResponse {
        Mesos.OperatorResponse(type: .getFrameworks, getFrameworks: frameworks)
    }

    public static func getExecutors(_ executors: GetExecutors) -> Mesos.OperatorResponse {
        Mesos.OperatorResponse(type: .getExecutors, getExecutors: executors)
    }

    public static func getTasks(_ tasks: GetTasks) -> Mesos.OperatorResponse {
        Mesos.OperatorResponse(type: .getTasks, getTasks: tasks)
    }

    public static func getRoles(_ roles: [Mesos.Role]) -> Mesos.OperatorResponse {
        Mesos.OperatorResponse(type: .getRoles, getRoles: GetRoles(roles: roles))
    }

    public static func getMaster(_ master: GetMaster) -> Mesos.OperatorResponse {
        Mesos.OperatorResponse(type: .getMaster, getMaster: master)
    }
}
