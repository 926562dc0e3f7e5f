extension Mesos {
    /// Free-form key/value pairs a framework attaches to tasks, executors and reservations.
    public struct Labels: Codable, Hashable, Sendable {
        @Repeated public var labels: [Label]

        public init(labels: [Label] = []) {
            self.labels = labels
        }

        enum CodingKeys: String, CodingKey {
            case labels
        }
    }

    public struct Label: Codable, Hashable, Sendable {
        public var key: String
        public var value: String?

        public init(key: String, value: String? = nil) {
            self.key = key
            self.value = value
        }

        enum CodingKeys: String, CodingKey {
            case key
            case value
        }
    }
}
