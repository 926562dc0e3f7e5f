/// Strict priority between roles: each role of `priorities` is offered everything it will
/// take before the next one is offered anything, whatever it already holds. Roles not in
/// the list come after all listed ones, in weighted DRF order among themselves.
///
/// Inside a role, frameworks go by DRF rather than by name: a role's frameworks are peers,
/// and ordering them by name would let the first starve the rest just as the priority
/// order lets a high role starve a low one — which is wanted between roles, not within.
public struct StrictPrioritySorter: Sorter {
    public var name: String { "priority" }

    /// Role names, highest priority first.
    public let priorities: [String]
    private let rank: [String: Int]

    public init(priorities: [String]) {
        self.priorities = priorities
        var rank: [String: Int] = [:]
        for (index, role) in priorities.enumerated() where rank[role] == nil { rank[role] = index }
        self.rank = rank
    }

    public func roleKey(_ role: SortClient, total: ScalarQuantities) -> SortKey {
        Self.drfKey(role, total: total, rank: rank[role.name] ?? priorities.count)
    }

    public func frameworkKey(_ framework: SortClient, role: String, total: ScalarQuantities) -> SortKey {
        Self.drfKey(framework, total: total)
    }
}
