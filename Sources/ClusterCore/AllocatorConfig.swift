/// The allocator's settings, with Mesos' defaults.
public struct AllocatorConfig: Sendable {
    /// Resources are offered only if they hold at least one of these (Mesos'
    /// `--min_allocatable_resources`, default `cpus:0.01|mem:32`), so that crumbs left on an
    /// agent are not offered over and over. Empty: anything non-empty is offered.
    public var minimumAllocatable: [ScalarQuantities] = [
        ScalarQuantities([("cpus", Scalar(thousandths: 10))]),
        ScalarQuantities([("mem", Scalar(units: 32))]),
    ]

    /// A decline's or an accept's filter lasts this long when the call names none, or a
    /// negative one (Mesos' `Filters.refuse_seconds`, 5 s).
    public var refuseDefault: Int64 = 5_000

    /// Longer filters are cut to this (Mesos: 365 days).
    public static let refuseMax: Int64 = 365 * 24 * 3600 * 1000

    /// Role weights (Mesos' `--weights`); a role not named here weighs one.
    public var weights: [String: Weight] = [:]

    public init() {}

    public func weight(of role: String) -> Weight { weights[role] ?? .one }

    /// How long a filter from a call with `refuse` milliseconds lasts; zero means none.
    public func refuseDuration(_ refuse: Int64?) -> Int64 {
        guard let refuse, refuse >= 0 else { return refuseDefault }
        return min(refuse, AllocatorConfig.refuseMax)
    }
}

/// A call the allocator refuses; its state is unchanged.
public enum AllocatorError: Error, Equatable, CustomStringConvertible {
    case agentExists(AgentID)
    case unknownAgent(AgentID)
    case frameworkExists(FrameworkID)
    case unknownFramework(FrameworkID)
    /// A framework must subscribe to at least one role.
    case noRoles(FrameworkID)
    case invalidRole(String)
    case roleNotSubscribed(FrameworkID, role: String)
    case unknownOffer(OfferID)
    /// An accept named resources the offer does not hold.
    case notInOffer(OfferID, InsufficientResources)
    /// A recovery named resources the framework does not use there.
    case notInUse(AllocationKey, InsufficientResources)
    /// An agent's new total would not hold what its tasks use.
    case totalBelowUsed(AgentID, InsufficientResources)

    public var description: String {
        switch self {
        case .agentExists(let agent): "agent \(agent) already added"
        case .unknownAgent(let agent): "no agent \(agent)"
        case .frameworkExists(let framework): "framework \(framework) already added"
        case .unknownFramework(let framework): "no framework \(framework)"
        case .noRoles(let framework): "framework \(framework) has no roles"
        case .invalidRole(let role): "invalid role '\(role)'"
        case .roleNotSubscribed(let framework, let role): "framework \(framework) is not subscribed to role \(role)"
        case .unknownOffer(let offer): "no outstanding offer \(offer)"
        case .notInOffer(let offer, let shortfall): "offer \(offer): \(shortfall)"
        case .notInUse(let key, let shortfall): "\(key): \(shortfall)"
        case .totalBelowUsed(let agent, let shortfall): "agent \(agent): \(shortfall)"
        }
    }
}
