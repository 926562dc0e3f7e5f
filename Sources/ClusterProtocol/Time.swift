extension Mesos {
    /// A point in time: nanoseconds since the Unix epoch.
    public struct TimeInfo: Codable, Hashable, Sendable {
        public var nanoseconds: Int64

        public init(nanoseconds: Int64) {
            self.nanoseconds = nanoseconds
        }

        enum CodingKeys: String, CodingKey {
            case nanoseconds
        }
    }

    /// A duration in nanoseconds.
    public struct DurationInfo: Codable, Hashable, Sendable {
        public var nanoseconds: Int64

        public init(nanoseconds: Int64) {
            self.nanoseconds = nanoseconds
        }

        enum CodingKeys: String, CodingKey {
            case nanoseconds
        }
    }
}
