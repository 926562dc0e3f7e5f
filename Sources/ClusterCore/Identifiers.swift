/// An agent's id (Mesos' `SlaveID`/`AgentID` value). Ordered by its text: the allocator
/// walks agents in this order.
public struct AgentID: Hashable, Comparable, Sendable, CustomStringConvertible, ExpressibleByStringLiteral {
    public let value: String

    public init(_ value: String) { self.value = value }
    public init(stringLiteral value: String) { self.value = value }

    public static func < (lhs: AgentID, rhs: AgentID) -> Bool { lhs.value < rhs.value }
    public var description: String { value }
}

/// A framework's id (Mesos' `FrameworkID` value).
public struct FrameworkID: Hashable, Comparable, Sendable, CustomStringConvertible, ExpressibleByStringLiteral {
    public let value: String

    public init(_ value: String) { self.value = value }
    public init(stringLiteral value: String) { self.value = value }

    public static func < (lhs: FrameworkID, rhs: FrameworkID) -> Bool { lhs.value < rhs.value }
    public var description: String { value }
}

/// An offer's number, unique for the allocator's lifetime; the master turns it into Mesos'
/// `OfferID` text.
public struct OfferID: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let value: UInt64

    public init(_ value: UInt64) { self.value = value }

    public static func < (lhs: OfferID, rhs: OfferID) -> Bool { lhs.value < rhs.value }
    public var description: String { "O\(value)" }
}

/// Where an allocation sits: which framework holds it, for which of its roles, on which agent.
public struct AllocationKey: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var framework: FrameworkID
    public var role: String
    public var agent: AgentID

    public init(framework: FrameworkID, role: String, agent: AgentID) {
        self.framework = framework
        self.role = role
        self.agent = agent
    }

    public static func < (lhs: AllocationKey, rhs: AllocationKey) -> Bool {
        (lhs.framework, lhs.role, lhs.agent) < (rhs.framework, rhs.role, rhs.agent)
    }

    public var description: String { "\(framework)/\(role)@\(agent)" }
}

/// Resources offered to one role of one framework on one agent, held for it until the
/// framework accepts or declines them or the offer is rescinded.
public struct Offer: Hashable, Sendable, CustomStringConvertible {
    public let id: OfferID
    public let framework: FrameworkID
    public let role: String
    public let agent: AgentID
    public let resources: Resources

    public var key: AllocationKey { AllocationKey(framework: framework, role: role, agent: agent) }

    public var description: String { "\(id) \(key) \(resources)" }
}
