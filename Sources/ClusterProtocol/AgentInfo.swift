extension Mesos {
    /// What an agent says about itself: where it runs and what it has. Left out: `domain`.
    public struct AgentInfo: Codable, Hashable, Sendable {
        public var hostname: String
        /// Default 5051 (`effectivePort`).
        public var port: Int32?
        @Repeated public var resources: [Resource]
        @Repeated public var attributes: [Attribute]
        public var id: AgentID?

        public init(
            hostname: String, port: Int32? = nil, resources: [Resource] = [], attributes: [Attribute] = [],
            id: AgentID? = nil
        ) {
            self.hostname = hostname
            self.port = port
            self.resources = resources
            self.attributes = attributes
            self.id = id
        }

        enum CodingKeys: String, CodingKey {
            case hostname
            case port
            case resources
            case attributes
            case id
        }

        /// `port`, or the agent's default of 5051.
        public var effectivePort: Int32 { port ?? 5051 }
    }
}
