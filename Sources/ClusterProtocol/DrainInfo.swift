extension Mesos {
    /// An agent's drain (mesos.proto's DrainInfo), as the operator API shows it.
    public struct DrainInfo: Codable, Hashable, Sendable {
        public enum State: String, ProtoEnum {
            case unknown = "UNKNOWN"
            case draining = "DRAINING"
            case drained = "DRAINED"
        }

        public struct Config: Codable, Hashable, Sendable {
            public var maxGracePeriod: DurationInfo?
            public var markGone: Bool?

            public init(maxGracePeriod: DurationInfo? = nil, markGone: Bool? = nil) {
                self.maxGracePeriod = maxGracePeriod
                self.markGone = markGone
            }

            enum CodingKeys: String, CodingKey {
                case maxGracePeriod = "max_grace_period"
                case markGone = "mark_gone"
            }
        }

        public var state: State
        public var config: Config

        public init(state: State, config: Config) {
            self.state = state
            self.config = config
        }
    }
}
