extension Mesos {
    /// A typed value: the payload of a resource or an attribute. Exactly the field named by `type` is set.
    public struct Value: Codable, Hashable, Sendable {
        public var type: Kind
        public var scalar: Scalar?
        public var ranges: Ranges?
        public var set: Set?
        public var text: Text?

        public init(type: Kind, scalar: Scalar? = nil, ranges: Ranges? = nil, set: Set? = nil, text: Text? = nil) {
            self.type = type
            self.scalar = scalar
            self.ranges = ranges
            self.set = set
            self.text = text
        }

        enum CodingKeys: String, CodingKey {
            case type
            case scalar
            case ranges
            case set
            case text
        }

        /// The proto's `Value.Type`.
        public enum Kind: String, ProtoEnum {
            case scalar = "SCALAR"
            case ranges = "RANGES"
            case set = "SET"
            case text = "TEXT"
        }

        /// A number; Mesos keeps three decimals.
        public struct Scalar: Codable, Hashable, Sendable {
            public var value: Double

            public init(value: Double) {
                self.value = value
            }

            enum CodingKeys: String, CodingKey {
                case value
            }
        }

        /// The closed range `begin...end`.
        public struct Range: Codable, Hashable, Sendable {
            public var begin: UInt64
            public var end: UInt64

            public init(begin: UInt64, end: UInt64) {
                self.begin = begin
                self.end = end
            }

            enum CodingKeys: String, CodingKey {
                case begin
                case end
            }
        }

        public struct Ranges: Codable, Hashable, Sendable {
            @Repeated public var range: [Range]

            public init(range: [Range] = []) {
                self.range = range
            }

            enum CodingKeys: String, CodingKey {
                case range
            }
        }

        public struct Set: Codable, Hashable, Sendable {
            @Repeated public var item: [String]

            public init(item: [String] = []) {
                self.item = item
            }

            enum CodingKeys: String, CodingKey {
                case item
            }
        }

        public struct Text: Codable, Hashable, Sendable {
            public var value: String

            public init(value: String) {
                self.value = value
            }

            enum CodingKeys: String, CodingKey {
                case value
            }
        }
    }

    /// An agent's attribute (`rack:r1`, `zone:a`): a named value that is not consumed.
    public struct Attribute: Codable, Hashable, Sendable {
        public var name: String
        public var type: Value.Kind
        public var scalar: Value.Scalar?
        public var ranges: Value.Ranges?
        public var set: Value.Set?
        public var text: Value.Text?

        public init(
            name: String, type: Value.Kind, scalar: Value.Scalar? = nil, ranges: Value.Ranges? = nil,
            set: Value.Set? = nil, text: Value.Text? = nil
        ) {
            self.name = name
            self.type = type
            self.scalar = scalar
            self.ranges = ranges
            self.set = set
            self.text = text
        }

        enum CodingKeys: String, CodingKey {
            case name
            case type
            case scalar
            case ranges
            case set
            case text
        }
    }
}
