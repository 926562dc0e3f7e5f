/// The books of one allocation round while it runs: the roles that compete for offers and,
/// in each, the frameworks that do, numbered, with what each holds and where each stands in
/// the sorter's order. An offer is booked here (two additions and two moves, no hashing);
/// `Allocator.allocate(now:agents:)` writes the sums back when the round ends.
struct AllocationRound {
    struct Role {
        let name: String
        let weight: Weight
        var allocated: ScalarQuantities
        /// Sorted by id.
        let frameworks: [FrameworkID]
        /// By framework number, what each holds for this role.
        var frameworkAllocated: [ScalarQuantities]
        /// The frameworks in the sorter's order, made the first time an agent has something
        /// for the role.
        var order: SortedClients?
        /// True once the round has offered the role something.
        var isTouched = false
    }

    let sorter: any Sorter
    let total: ScalarQuantities
    /// Sorted by name.
    private(set) var roles: [Role]
    private(set) var roleOrder: SortedClients

    /// `members`: each competing role's frameworks, sorted by id.
    init(_ allocator: Allocator, members: [String: [FrameworkID]]) {
        sorter = allocator.sorter
        total = allocator.total
        roles = members.keys.sorted().map { name in
            let frameworks = members[name]!
            return Role(
                name: name, weight: allocator.config.weight(of: name), allocated: allocator.allocation(role: name),
                frameworks: frameworks,
                frameworkAllocated: frameworks.map { allocator.allocation(framework: $0, role: name) })
        }
        roleOrder = SortedClients([])
        roleOrder = SortedClients(roles.indices.map(roleKey))
    }

    /// The number of the framework of `role` at `position` in the sorter's order, nil past
    /// the last. The order is made the first time the round asks.
    mutating func framework(at position: Int, of role: Int) -> Int? {
        if roles[role].order == nil {
            roles[role].order = SortedClients(roles[role].frameworks.indices.map { frameworkKey(role, $0) })
        }
        guard position < roles[role].order!.count else { return nil }
        return roles[role].order!.client(at: position)
    }

    /// Books `quantities` offered to `framework` of `role`, and moves both to their new places.
    mutating func book(_ quantities: ScalarQuantities, role: Int, framework: Int) {
        roles[role].isTouched = true
        roles[role].allocated.add(quantities)
        roles[role].frameworkAllocated[framework].add(quantities)
        roles[role].order!.update(framework, to: frameworkKey(role, framework))
        roleOrder.update(role, to: roleKey(role))
    }

    /// Where an offer to `framework` of `role` on `agent` is booked.
    func key(_ role: Int, _ framework: Int, _ agent: AgentID) -> AllocationKey {
        AllocationKey(framework: roles[role].frameworks[framework], role: roles[role].name, agent: agent)
    }

    private func roleKey(_ role: Int) -> SortKey {
        let client = SortClient(name: roles[role].name, weight: roles[role].weight, allocated: roles[role].allocated)
        return sorter.roleKey(client, total: total)
    }

    private func frameworkKey(_ role: Int, _ framework: Int) -> SortKey {
        let client = SortClient(
            name: roles[role].frameworks[framework].value, allocated: roles[role].frameworkAllocated[framework])
        return sorter.frameworkKey(client, role: roles[role].name, total: total)
    }
}
