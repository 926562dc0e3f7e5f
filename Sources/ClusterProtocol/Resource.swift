extension Mesos {
    /// A resource as the v1 API carries it: a name, a typed value and where it is reserved and
    /// allocated. `ClusterCore.Resource(_:)` converts it for the allocator (see ResourceConversion.swift).
    ///
    /// Reservations come in two formats: with RESERVATION_REFINEMENT a stack of `reservations` (the
    /// last entry is the role that holds it); without it, the deprecated `role` (`"*"` when unreserved)
    /// with an optional single `reservation`. Left out: `provider_id` and `disk`.
    public struct Resource: Codable, Hashable, Sendable {
        public var name: String
        public var type: Value.Kind
        public var scalar: Value.Scalar?
        public var ranges: Value.Ranges?
        public var set: Value.Set?
        /// Deprecated in the proto, still what frameworks without RESERVATION_REFINEMENT read.
        public var role: String?
        public var allocationInfo: AllocationInfo?
        /// The pre-refinement format of a dynamic reservation.
        public var reservation: ReservationInfo?
        @Repeated public var reservations: [ReservationInfo]
        public var revocable: RevocableInfo?
        public var shared: SharedInfo?

        public init(
            name: String, type: Value.Kind, scalar: Value.Scalar? = nil, ranges: Value.Ranges? = nil,
            set: Value.Set? = nil, role: String? = nil, allocationInfo: AllocationInfo? = nil,
            reservation: ReservationInfo? = nil, reservations: [ReservationInfo] = [], revocable: RevocableInfo? = nil,
            shared: SharedInfo? = nil
        ) {
            self.name = name
            self.type = type
            self.scalar = scalar
            self.ranges = ranges
            self.set = set
            self.role = role
            self.allocationInfo = allocationInfo
            self.reservation = reservation
            self.reservations = reservations
            self.revocable = revocable
            self.shared = shared
        }

        enum CodingKeys: String, CodingKey {
            case name
            case type
            case scalar
            case ranges
            case set
            case role
            case allocationInfo = "allocation_info"
            case reservation
            case reservations
            case revocable
            case shared
        }

        /// The role a resource is offered to or allocated to.
        public struct AllocationInfo: Codable, Hashable, Sendable {
            public var role: String?

            public init(role: String? = nil) {
                self.role = role
            }

            enum CodingKeys: String, CodingKey {
                case role
            }
        }

        /// One level of a reservation.
        public struct ReservationInfo: Codable, Hashable, Sendable {
            public var type: Kind?
            public var role: String?
            public var principal: String?
            public var labels: Labels?

            public init(type: Kind? = nil, role: String? = nil, principal: String? = nil, labels: Labels? = nil) {
                self.type = type
                self.role = role
                self.principal = principal
                self.labels = labels
            }

            enum CodingKeys: String, CodingKey {
                case type
                case role
                case principal
                case labels
            }

            /// The proto's `ReservationInfo.Type`.
            public enum Kind: String, ProtoEnum {
                case unknown = "UNKNOWN"
                case `static` = "STATIC"
                case dynamic = "DYNAMIC"
            }
        }

        /// Marks a revocable resource; it carries no fields.
        public struct RevocableInfo: Codable, Hashable, Sendable {
            public init() {
            }
        }

        /// Marks a shared resource; it carries no fields.
        public struct SharedInfo: Codable, Hashable, Sendable {
            public init() {
            }
        }
    }
}
