extension Mesos {
    /// What a framework says about itself when it subscribes.
    public struct FrameworkInfo: Codable, Hashable, Sendable {
        public var user: String
        public var name: String
        public var id: FrameworkID?
        /// Seconds the master waits for a disconnected framework before removing it; default 0.
        public var failoverTimeout: Double?
        public var checkpoint: Bool?
        /// Deprecated: the single role of a framework without MULTI_ROLE; default `"*"`.
        public var role: String?
        /// The roles of a MULTI_ROLE framework.
        @Repeated public var roles: [String]
        public var hostname: String?
        public var principal: String?
        public var webuiUrl: String?
        @Repeated public var capabilities: [Capability]
        public var labels: Labels?

        public init(
            user: String, name: String, id: FrameworkID? = nil, failoverTimeout: Double? = nil, checkpoint: Bool? = nil,
            role: String? = nil, roles: [String] = [], hostname: String? = nil, principal: String? = nil,
            webuiUrl: String? = nil, capabilities: [Capability] = [], labels: Labels? = nil
        ) {
            self.user = user
            self.name = name
            self.id = id
            self.failoverTimeout = failoverTimeout
            self.checkpoint = checkpoint
            self.role = role
            self.roles = roles
            self.hostname = hostname
            self.principal = principal
            self.webuiUrl = webuiUrl
            self.capabilities = capabilities
            self.labels = labels
        }

        enum CodingKeys: String, CodingKey {
            case user
            case name
            case id
            case failoverTimeout = "failover_timeout"
            case checkpoint
            case role
            case roles
            case hostname
            case principal
            case webuiUrl = "webui_url"
            case capabilities
            case labels
        }

        public struct Capability: Codable, Hashable, Sendable {
            public var type: Kind?

            public init(type: Kind? = nil) {
                self.type = type
            }

            enum CodingKeys: String, CodingKey {
                case type
            }

            /// The proto's `FrameworkInfo.Capability.Type`. `agentOperationFeedback` is not a framework
            /// capability in v1 mesos.proto (it is an agent's); it is accepted here so that no framework is
            /// turned away for naming it.
            public enum Kind: String, ProtoEnum {
                case unknown = "UNKNOWN"
                case revocableResources = "REVOCABLE_RESOURCES"
                case taskKillingState = "TASK_KILLING_STATE"
                case gpuResources = "GPU_RESOURCES"
                case sharedResources = "SHARED_RESOURCES"
                case partitionAware = "PARTITION_AWARE"
                case multiRole = "MULTI_ROLE"
                case reservationRefinement = "RESERVATION_REFINEMENT"
                case regionAware = "REGION_AWARE"
                case agentOperationFeedback = "AGENT_OPERATION_FEEDBACK"
            }
        }

        public func hasCapability(_ kind: Capability.Kind) -> Bool {
            capabilities.contains { $0.type == kind }
        }

        /// The roles the framework subscribes with: `roles` for a MULTI_ROLE framework, otherwise
        /// its single `role`, `"*"` when it names none.
        public var effectiveRoles: [String] {
            hasCapability(.multiRole) ? roles : [role ?? "*"]
        }

        /// `failover_timeout`, or the proto default of 0.
        public var effectiveFailoverTimeout: Double { failoverTimeout ?? 0 }
    }
}
