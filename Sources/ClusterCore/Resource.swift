/// One named resource of one role, as Mesos' `Resource` message carries it: a name
/// (`cpus`, `mem`, `ports`), a value of one of three kinds, and the role it is reserved
/// for — `"*"` when it is unreserved and any role may be offered it.
///
/// Departure from mesos.proto: no reservation stack, disk info, revocable or shared
/// markers yet; a reservation is just the role.
public struct Resource: Hashable, Sendable, CustomStringConvertible {
    public static let unreservedRole = "*"

    public var name: String
    public var value: ResourceValue
    public var role: String

    public init(name: String, value: ResourceValue, role: String = Resource.unreservedRole) {
        self.name = name
        self.value = value
        self.role = role
    }

    public static func scalar(_ name: String, _ amount: Scalar, role: String = unreservedRole) -> Resource {
        Resource(name: name, value: .scalar(amount), role: role)
    }

    public static func ranges(
        _ name: String, _ ranges: [ClosedRange<UInt64>], role: String = unreservedRole
    ) -> Resource {
        Resource(name: name, value: .ranges(ValueRanges(ranges)), role: role)
    }

    public static func set(_ name: String, _ items: [String], role: String = unreservedRole) -> Resource {
        Resource(name: name, value: .set(ValueSet(items)), role: role)
    }

    public var isUnreserved: Bool { role == Resource.unreservedRole }

    /// What identifies a resource within `Resources`: values with equal keys merge.
    public var key: ResourceKey { ResourceKey(name: name, role: role, kind: value.kind) }

    public var isEmpty: Bool { value.isEmpty }

    /// The agent `--resources` notation: `cpus:4`, `mem(web):512`, `ports:[1-2]`.
    public var description: String {
        (isUnreserved ? name : "\(name)(\(role))") + ":" + value.description
    }
}

/// The value of a resource: Mesos' SCALAR, RANGES and SET types.
public enum ResourceValue: Hashable, Sendable, CustomStringConvertible {
    case scalar(Scalar)
    case ranges(ValueRanges)
    case set(ValueSet)

    public enum Kind: Int, Comparable, Sendable {
        case scalar
        case ranges
        case set

        public static func < (lhs: Kind, rhs: Kind) -> Bool { lhs.rawValue < rhs.rawValue }
    }

    public var kind: Kind {
        switch self {
        case .scalar: .scalar
        case .ranges: .ranges
        case .set: .set
        }
    }

    public var isEmpty: Bool {
        switch self {
        case .scalar(let amount): amount.isZero
        case .ranges(let ranges): ranges.isEmpty
        case .set(let set): set.isEmpty
        }
    }

    public var description: String {
        switch self {
        case .scalar(let amount): amount.description
        case .ranges(let ranges): ranges.description
        case .set(let set): set.description
        }
    }
}

/// Name, role and kind: resources with the same key are one resource in `Resources`. A
/// name used with two kinds (a scalar `ports` and a ranges `ports`) stays two resources, as
/// Mesos keeps them; neither contains the other.
public struct ResourceKey: Hashable, Comparable, Sendable {
    public var name: String
    public var role: String
    public var kind: ResourceValue.Kind

    public static func < (lhs: ResourceKey, rhs: ResourceKey) -> Bool {
        (lhs.name, lhs.role, lhs.kind) < (rhs.name, rhs.role, rhs.kind)
    }
}
