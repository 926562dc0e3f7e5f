extension Mesos {
    /// An executor: the process on an agent that runs a framework's tasks. Left out:
    /// `discovery`.
    public struct ExecutorInfo: Codable, Hashable, Sendable {
        public var type: Kind?
        public var executorID: ExecutorID
        /// Filled by the master on LAUNCH; required on LAUNCH_GROUP.
        public var frameworkID: FrameworkID?
        public var command: CommandInfo?
        public var container: ContainerInfo?
        @Repeated public var resources: [Resource]
        public var name: String?
        public var source: String?
        public var data: Bytes?
        public var shutdownGracePeriod: DurationInfo?
        public var labels: Labels?

        public init(
            type: Kind? = nil, executorID: ExecutorID, frameworkID: FrameworkID? = nil, command: CommandInfo? = nil,
            container: ContainerInfo? = nil, resources: [Resource] = [], name: String? = nil, source: String? = nil,
            data: Bytes? = nil, shutdownGracePeriod: DurationInfo? = nil, labels: Labels? = nil
        ) {
            self.type = type
            self.executorID = executorID
            self.frameworkID = frameworkID
            self.command = command
            self.container = container
            self.resources = resources
            self.name = name
            self.source = source
            self.data = data
            self.shutdownGracePeriod = shutdownGracePeriod
            self.labels = labels
        }

        enum CodingKeys: String, CodingKey {
            case type
            case executorID = "executor_id"
            case frameworkID = "framework_id"
            case command
            case container
            case resources
            case name
            case source
            case data
            case shutdownGracePeriod = "shutdown_grace_period"
            case labels
        }

        /// The proto's `ExecutorInfo.Type`.
        public enum Kind: String, ProtoEnum {
            case unknown = "UNKNOWN"
            case `default` = "DEFAULT"
            case custom = "CUSTOM"
        }
    }
}
