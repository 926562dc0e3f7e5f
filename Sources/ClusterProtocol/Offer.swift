extension Mesos {
    /// Resources on one agent offered to one framework. Left out: `url`, `domain`,
    /// `unavailability`.
    public struct Offer: Codable, Hashable, Sendable {
        public var id: OfferID
        public var frameworkID: FrameworkID
        public var agentID: AgentID
        public var hostname: String
        @Repeated public var resources: [Resource]
        @Repeated public var attributes: [Attribute]
        /// The framework's executors already running on the agent.
        @Repeated public var executorIDs: [ExecutorID]
        public var allocationInfo: Resource.AllocationInfo?

        public init(
            id: OfferID, frameworkID: FrameworkID, agentID: AgentID, hostname: String, resources: [Resource] = [],
            attributes: [Attribute] = [], executorIDs: [ExecutorID] = [],
            allocationInfo: Resource.AllocationInfo? = nil
        ) {
            self.id = id
            self.frameworkID = frameworkID
            self.agentID = agentID
            self.hostname = hostname
            self.resources = resources
            self.attributes = attributes
            self.executorIDs = executorIDs
            self.allocationInfo = allocationInfo
        }

        enum CodingKeys: String, CodingKey {
            case id
            case frameworkID = "framework_id"
            case agentID = "agent_id"
            case hostname
            case resources
            case attributes
            case executorIDs = "executor_ids"
            case allocationInfo = "allocation_info"
        }

        /// What a framework does with accepted offers (ACCEPT's `operations`). Left out: the
        /// payloads of GROW_VOLUME, SHRINK_VOLUME, CREATE_DISK and DESTROY_DISK.
        public struct Operation: Codable, Hashable, Sendable {
            public var type: Kind
            public var id: OperationID?
            public var launch: Launch?
            public var launchGroup: LaunchGroup?
            public var reserve: Reserve?
            public var unreserve: Unreserve?
            public var create: Create?
            public var destroy: Destroy?

            public init(
                type: Kind, id: OperationID? = nil, launch: Launch? = nil, launchGroup: LaunchGroup? = nil,
                reserve: Reserve? = nil, unreserve: Unreserve? = nil, create: Create? = nil, destroy: Destroy? = nil
            ) {
                self.type = type
                self.id = id
                self.launch = launch
                self.launchGroup = launchGroup
                self.reserve = reserve
                self.unreserve = unreserve
                self.create = create
                self.destroy = destroy
            }

            enum CodingKeys: String, CodingKey {
                case type
                case id
                case launch
                case launchGroup = "launch_group"
                case reserve
                case unreserve
                case create
                case destroy
            }

            /// The proto's `Offer.Operation.Type`.
            public enum Kind: String, ProtoEnum {
                case unknown = "UNKNOWN"
                case launch = "LAUNCH"
                case launchGroup = "LAUNCH_GROUP"
                case reserve = "RESERVE"
                case unreserve = "UNRESERVE"
                case create = "CREATE"
                case destroy = "DESTROY"
                case growVolume = "GROW_VOLUME"
                case shrinkVolume = "SHRINK_VOLUME"
                case createDisk = "CREATE_DISK"
                case destroyDisk = "DESTROY_DISK"
            }

            public struct Launch: Codable, Hashable, Sendable {
                @Repeated public var taskInfos: [TaskInfo]

                public init(taskInfos: [TaskInfo] = []) {
                    self.taskInfos = taskInfos
                }

                enum CodingKeys: String, CodingKey {
                    case taskInfos = "task_infos"
                }
            }

            public struct LaunchGroup: Codable, Hashable, Sendable {
                public var executor: ExecutorInfo
                public var taskGroup: TaskGroupInfo

                public init(executor: ExecutorInfo, taskGroup: TaskGroupInfo) {
                    self.executor = executor
                    self.taskGroup = taskGroup
                }

                enum CodingKeys: String, CodingKey {
                    case executor
                    case taskGroup = "task_group"
                }
            }

            public struct Reserve: Codable, Hashable, Sendable {
                @Repeated public var source: [Resource]
                @Repeated public var resources: [Resource]

                public init(source: [Resource] = [], resources: [Resource] = []) {
                    self.source = source
                    self.resources = resources
                }

                enum CodingKeys: String, CodingKey {
                    case source
                    case resources
                }
            }

            public struct Unreserve: Codable, Hashable, Sendable {
                @Repeated public var resources: [Resource]

                public init(resources: [Resource] = []) {
                    self.resources = resources
                }

                enum CodingKeys: String, CodingKey {
                    case resources
                }
            }

            public struct Create: Codable, Hashable, Sendable {
                @Repeated public var volumes: [Resource]

                public init(volumes: [Resource] = []) {
                    self.volumes = volumes
                }

                enum CodingKeys: String, CodingKey {
                    case volumes
                }
            }

            public struct Destroy: Codable, Hashable, Sendable {
                @Repeated public var volumes: [Resource]

                public init(volumes: [Resource] = []) {
                    self.volumes = volumes
                }

                enum CodingKeys: String, CodingKey {
                    case volumes
                }
            }

            public static func launch(_ taskInfos: [TaskInfo]) -> Operation {
                Operation(type: .launch, launch: Launch(taskInfos: taskInfos))
            }

            public static func launchGroup(executor: ExecutorInfo, taskGroup: TaskGroupInfo) -> Operation {
                Operation(type: .launchGroup, launchGroup: LaunchGroup(executor: executor, taskGroup: taskGroup))
            }
        }
    }
}
