extension Mesos {
    /// How long the declined or unused part of an offer stays away from the framework.
    public struct Filters: Codable, Hashable, Sendable {
        /// Seconds; the proto default is 5 (`effectiveRefuseSeconds`).
        public var refuseSeconds: Double?

        public init(refuseSeconds: Double? = nil) {
            self.refuseSeconds = refuseSeconds
        }

        enum CodingKeys: String, CodingKey {
            case refuseSeconds = "refuse_seconds"
        }

        /// `refuse_seconds`, or Mesos' default of 5 s when it is absent.
        public var effectiveRefuseSeconds: Double { refuseSeconds ?? 5 }
    }
}
