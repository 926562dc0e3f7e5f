extension Mesos {
    /// A call from a scheduler to the master (scheduler.proto's `Call`), POSTed to
    /// `/api/v1/scheduler`. Every call but SUBSCRIBE names its framework. Left out: the payloads of
    /// the inverse-offer and operation-status calls.
    public struct SchedulerCall: Codable, Hashable, Sendable {
        public var frameworkID: FrameworkID?
        public var type: Kind
        public var subscribe: Subscribe?
        public var accept: Accept?
        public var decline: Decline?
        public var revive: Revive?
        public var kill: Kill?
        public var shutdown: Shutdown?
        public var acknowledge: Acknowledge?
        public var reconcile: Reconcile?
        public var message: Message?
        public var request: Request?
        public var suppress: Suppress?
        public var updateFramework: UpdateFramework?

        public init(
            frameworkID: FrameworkID? = nil, type: Kind, subscribe: Subscribe? = nil, accept: Accept? = nil,
            decline: Decline? = nil, revive: Revive? = nil, kill: Kill? = nil, shutdown: Shutdown? = nil,
            acknowledge: Acknowledge? = nil, reconcile: Reconcile? = nil, message: Message? = nil,
            request: Request? = nil, suppress: Suppress? = nil, updateFramework: UpdateFramework? = nil
        ) {
            self.frameworkID = frameworkID
            self.type = type
            self.subscribe = subscribe
            self.accept = accept
            self.decline = decline
            self.revive = revive
            self.kill = kill
            self.shutdown = shutdown
            self.acknowledge = acknowledge
            self.reconcile = reconcile
            self.message = message
            self.request = request
            self.suppress = suppress
            self.updateFramework = updateFramework
        }

        enum CodingKeys: String, CodingKey {
            case frameworkID = "framework_id"
            case type
            case subscribe
            case accept
            case decline
            case revive
            case kill
            case shutdown
            case acknowledge
            case reconcile
            case message
            case request
            case suppress
            case updateFramework = "update_framework"
        }

        /// The proto's `Call.Type`.
        public enum Kind: String, ProtoEnum {
            case unknown = "UNKNOWN"
            case subscribe = "SUBSCRIBE"
            case teardown = "TEARDOWN"
            case accept = "ACCEPT"
            case decline = "DECLINE"
            case acceptInverseOffers = "ACCEPT_INVERSE_OFFERS"
            case declineInverseOffers = "DECLINE_INVERSE_OFFERS"
            case revive = "REVIVE"
            case kill = "KILL"
            case shutdown = "SHUTDOWN"
            case acknowledge = "ACKNOWLEDGE"
            case acknowledgeOperationStatus = "ACKNOWLEDGE_OPERATION_STATUS"
            case reconcile = "RECONCILE"
            case reconcileOperations = "RECONCILE_OPERATIONS"
            case message = "MESSAGE"
            case request = "REQUEST"
            case suppress = "SUPPRESS"
            case updateFramework = "UPDATE_FRAMEWORK"
        }

        public struct Subscribe: Codable, Hashable, Sendable {
            public var frameworkInfo: FrameworkInfo
            @Repeated public var suppressedRoles: [String]

            public init(frameworkInfo: FrameworkInfo, suppressedRoles: [String] = []) {
                self.frameworkInfo = frameworkInfo
                self.suppressedRoles = suppressedRoles
            }

            enum CodingKeys: String, CodingKey {
                case frameworkInfo = "framework_info"
                case suppressedRoles = "suppressed_roles"
            }
        }

        public struct Accept: Codable, Hashable, Sendable {
            @Repeated public var offerIDs: [OfferID]
            @Repeated public var operations: [Offer.Operation]
            public var filters: Filters?

            public init(offerIDs: [OfferID] = [], operations: [Offer.Operation] = [], filters: Filters? = nil) {
                self.offerIDs = offerIDs
                self.operations = operations
                self.filters = filters
            }

            enum CodingKeys: String, CodingKey {
                case offerIDs = "offer_ids"
                case operations
                case filters
            }
        }

        public struct Decline: Codable, Hashable, Sendable {
            @Repeated public var offerIDs: [OfferID]
            public var filters: Filters?

            public init(offerIDs: [OfferID] = [], filters: Filters? = nil) {
                self.offerIDs = offerIDs
                self.filters = filters
            }

            enum CodingKeys: String, CodingKey {
                case offerIDs = "offer_ids"
                case filters
            }
        }

        /// Revives the given roles, all of the framework's when empty.
        public struct Revive: Codable, Hashable, Sendable {
            @Repeated public var roles: [String]

            public init(roles: [String] = []) {
                self.roles = roles
            }

            enum CodingKeys: String, CodingKey {
                case roles
            }
        }

        public struct Kill: Codable, Hashable, Sendable {
            public var taskID: TaskID
            public var agentID: AgentID?
            public var killPolicy: KillPolicy?

            public init(taskID: TaskID, agentID: AgentID? = nil, killPolicy: KillPolicy? = nil) {
                self.taskID = taskID
                self.agentID = agentID
                self.killPolicy = killPolicy
            }

            enum CodingKeys: String, CodingKey {
                case taskID = "task_id"
                case agentID = "agent_id"
                case killPolicy = "kill_policy"
            }
        }

        public struct Shutdown: Codable, Hashable, Sendable {
            public var executorID: ExecutorID
            public var agentID: AgentID

            public init(executorID: ExecutorID, agentID: AgentID) {
                self.executorID = executorID
                self.agentID = agentID
            }

            enum CodingKeys: String, CodingKey {
                case executorID = "executor_id"
                case agentID = "agent_id"
            }
        }

        public struct Acknowledge: Codable, Hashable, Sendable {
            public var agentID: AgentID
            public var taskID: TaskID
            public var uuid: Bytes

            public init(agentID: AgentID, taskID: TaskID, uuid: Bytes) {
                self.agentID = agentID
                self.taskID = taskID
                self.uuid = uuid
            }

            enum CodingKeys: String, CodingKey {
                case agentID = "agent_id"
                case taskID = "task_id"
                case uuid
            }
        }

        /// Asks for the latest state of the given tasks, of all the framework's when empty.
        public struct Reconcile: Codable, Hashable, Sendable {
            @Repeated public var tasks: [Task]

            public init(tasks: [Task] = []) {
                self.tasks = tasks
            }

            enum CodingKeys: String, CodingKey {
                case tasks
            }

            public struct Task: Codable, Hashable, Sendable {
                public var taskID: TaskID
                public var agentID: AgentID?

                public init(taskID: TaskID, agentID: AgentID? = nil) {
                    self.taskID = taskID
                    self.agentID = agentID
                }

                enum CodingKeys: String, CodingKey {
                    case taskID = "task_id"
                    case agentID = "agent_id"
                }
            }
        }

        public struct Message: Codable, Hashable, Sendable {
            public var agentID: AgentID
            public var executorID: ExecutorID
            public var data: Bytes

            public init(agentID: AgentID, executorID: ExecutorID, data: Bytes) {
                self.agentID = agentID
                self.executorID = executorID
                self.data = data
            }

            enum CodingKeys: String, CodingKey {
                case agentID = "agent_id"
                case executorID = "executor_id"
                case data
            }
        }

        public struct Request: Codable, Hashable, Sendable {
            @Repeated public var requests: [Mesos.Request]

            public init(requests: [Mesos.Request] = []) {
                self.requests = requests
            }

            enum CodingKeys: String, CodingKey {
                case requests
            }
        }

        /// Suppresses the given roles, all of the framework's when empty.
        public struct Suppress: Codable, Hashable, Sendable {
            @Repeated public var roles: [String]

            public init(roles: [String] = []) {
                self.roles = roles
            }

            enum CodingKeys: String, CodingKey {
                case roles
            }
        }

        public struct UpdateFramework: Codable, Hashable, Sendable {
            public var frameworkInfo: FrameworkInfo
            @Repeated public var suppressedRoles: [String]

            public init(frameworkInfo: FrameworkInfo, suppressedRoles: [String] = []) {
                self.frameworkInfo = frameworkInfo
                self.suppressedRoles = suppressedRoles
            }

            enum CodingKeys: String, CodingKey {
                case frameworkInfo = "framework_info"
                case suppressedRoles = "suppressed_roles"
            }
        }
    }

    /// A request for resources (REQUEST); Mesos' allocator ignores it.
    public struct Request: Codable, Hashable, Sendable {
        public var agentID: AgentID?
        @Repeated public var resources: [Resource]

        public init(agentID: AgentID? = nil, resources: [Resource] = []) {
            self.agentID = agentID
            self.resources = resources
        }

        enum CodingKeys: String, CodingKey {
            case agentID = "agent_id"
            case resources
        }
    }
}

extension Mesos.SchedulerCall {
    /// SUBSCRIBE; a resubscribing framework has `frameworkInfo.id` set, and the call names it too.
    public static func subscribe(
        _ frameworkInfo: Mesos.FrameworkInfo, suppressedRoles: [String] = []
    ) -> Mesos.SchedulerCall {
        Mesos.SchedulerCall(
            frameworkID: frameworkInfo.id, type: .subscribe,
            subscribe: Subscribe(frameworkInfo: frameworkInfo, suppressedRoles: suppressedRoles))
    }

    public static func teardown(_ frameworkID: Mesos.FrameworkID) -> Mesos.SchedulerCall {
        Mesos.SchedulerCall(frameworkID: frameworkID, type: .teardown)
    }

    public static func accept(
        _ frameworkID: Mesos.FrameworkID, offerIDs: [Mesos.OfferID], operations: [Mesos.Offer.Operation],
        filters: Mesos.Filters? = nil
    ) -> Mesos.SchedulerCall {
        Mesos.SchedulerCall(
            frameworkID: frameworkID, type: .accept,
            accept: Accept(offerIDs: offerIDs, operations: operations, filters: filters))
    }

    public static func decline(
        _ frameworkID: Mesos.FrameworkID, offerIDs: [Mesos.OfferID], filters: Mesos.Filters? = nil
    ) -> Mesos.SchedulerCall {
        Mesos.SchedulerCall(
            frameworkID: frameworkID, type: .decline, decline: Decline(offerIDs: offerIDs, filters: filters))
    }

    public static func revive(_ frameworkID: Mesos.FrameworkID, roles: [String] = []) -> Mesos.SchedulerCall {
        Mesos.SchedulerCall(frameworkID: frameworkID, type: .revive, revive: Revive(roles: roles))
    }

    public static func suppress(_ frameworkID: Mesos.FrameworkID, roles: [String] = []) -> Mesos.SchedulerCall {
        Mesos.SchedulerCall(frameworkID: frameworkID, type: .suppress, suppress: Suppress(roles: roles))
    }

    public static func kill(
        _ frameworkID: Mesos.FrameworkID, taskID: Mesos.TaskID, agentID: Mesos.AgentID? = nil,
        killPolicy: Mesos.KillPolicy? = nil
    ) -> Mesos.SchedulerCall {
        Mesos.SchedulerCall(
            frameworkID: frameworkID, type: .kill, kill: Kill(taskID: taskID, agentID: agentID, killPolicy: killPolicy))
    }

    public static func shutdown(
        _ frameworkID: Mesos.FrameworkID, executorID: Mesos.ExecutorID, agentID: Mesos.AgentID
    ) -> Mesos.SchedulerCall {
        Mesos.SchedulerCall(
            frameworkID: frameworkID, type: .shutdown, shutdown: Shutdown(executorID: executorID, agentID: agentID))
    }

    public static func acknowledge(
        _ frameworkID: Mesos.FrameworkID, agentID: Mesos.AgentID, taskID: Mesos.TaskID, uuid: Mesos.Bytes
    ) -> Mesos.SchedulerCall {
        Mesos.SchedulerCall(
            frameworkID: frameworkID, type: .acknowledge,
            acknowledge: Acknowledge(agentID: agentID, taskID: taskID, uuid: uuid))
    }

    public static func reconcile(_ frameworkID: Mesos.FrameworkID, tasks: [Reconcile.Task] = []) -> Mesos.SchedulerCall
    {
        Mesos.SchedulerCall(frameworkID: frameworkID, type: .reconcile, reconcile: Reconcile(tasks: tasks))
    }

    public static func message(
        _ frameworkID: Mesos.FrameworkID, agentID: Mesos.AgentID, executorID: Mesos.ExecutorID, data: Mesos.Bytes
    ) -> Mesos.SchedulerCall {
        Mesos.SchedulerCall(
            frameworkID: frameworkID, type: .message,
            message: Message(agentID: agentID, executorID: executorID, data: data))
    }
}
