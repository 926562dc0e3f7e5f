/// Mesos' hierarchical allocator as a pure state machine: agents with their total
/// resources, frameworks with their roles, and the books of what is allocated — offered and
/// not yet answered, or accepted and in use by tasks. `allocate(now:)` walks the agents and
/// offers each one's available resources to the framework the sorter ranks first.
///
/// It reads no clock: the calls whose outcome depends on time (`allocate`, `accept`,
/// `decline`) take `now`, the caller's monotonic milliseconds, and offer filters expire
/// against it. Invariants (the first a precondition wherever resources are booked; the
/// tests check both after every step):
///
/// - an agent's allocation (its outstanding offers plus what its tasks use) never exceeds
///   its total, so no resource is in two outstanding offers, or offered while in use;
/// - the sums the sorter sees (per role, per framework in a role) are exactly the sums of
///   the outstanding offers and the resources in use.
///
/// Departures from Mesos: agents are walked in id order, not shuffled; one offer per
/// framework, role and agent in a round (Mesos merges a multi-role framework's offers on
/// an agent); no quota, no revocable or shared resources, no inverse offers.
public struct Allocator: Sendable {
    /// An agent's total resources and how much of them is allocated (offered or in use).
    public struct Agent: Hashable, Sendable {
        public internal(set) var total: Resources
        public internal(set) var allocated: Resources
        /// False while the agent is disconnected: nothing on it is offered.
        public internal(set) var isActive = true

        /// What is neither offered nor in use.
        public var available: Resources { total.removing(allocated) }
    }

    /// A framework's roles (sorted) and those it has suppressed offers for.
    public struct Framework: Hashable, Sendable {
        public internal(set) var roles: [String]
        public internal(set) var suppressedRoles: Set<String>
        /// False while the scheduler is disconnected: it is offered nothing.
        public internal(set) var isActive = true

        public func isSuppressed(_ role: String) -> Bool { suppressedRoles.contains(role) }
    }

    public let sorter: any Sorter
    public let config: AllocatorConfig

    public internal(set) var agents: [AgentID: Agent] = [:]
    /// The agents' ids, sorted: the order `allocate` walks them in.
    public internal(set) var agentOrder: [AgentID] = []
    public internal(set) var frameworks: [FrameworkID: Framework] = [:]
    /// Offers made and not yet accepted, declined or rescinded.
    public internal(set) var offers: [OfferID: Offer] = [:]
    /// Accepted resources, in use until recovered.
    public internal(set) var used: [AllocationKey: Resources] = [:]
    /// Offer filters from declines, by framework, role and agent.
    public internal(set) var filters: [AllocationKey: [OfferFilter]] = [:]
    /// The scalar total of all agents: what shares are shares of.
    public internal(set) var total = ScalarQuantities()

    var roleAllocated: [String: ScalarQuantities] = [:]
    var frameworkAllocated: [String: [FrameworkID: ScalarQuantities]] = [:]
    var nextOfferID: UInt64 = 1

    public init(sorter: any Sorter = DRFSorter(), config: AllocatorConfig = AllocatorConfig()) {
        self.sorter = sorter
        self.config = config
    }

    /// What a role holds (offered or in use) across the cluster, in scalars.
    public func allocation(role: String) -> ScalarQuantities { roleAllocated[role] ?? ScalarQuantities() }

    /// What a framework holds for one of its roles, in scalars.
    public func allocation(framework: FrameworkID, role: String) -> ScalarQuantities {
        frameworkAllocated[role]?[framework] ?? ScalarQuantities()
    }

    /// Outstanding offers in id order.
    public var offersInOrder: [Offer] { offers.values.sorted { $0.id < $1.id } }
}

// MARK: - Agents

extension Allocator {
    /// Adds an agent with its total. `used` is what tasks already running there hold (an
    /// agent re-registering with a new master brings them), booked as in use by their
    /// frameworks and roles whether or not those frameworks are added yet; it must fit the
    /// total, or nothing changes.
    public mutating func addAgent(
        _ id: AgentID, total resources: Resources, used inUse: [AllocationKey: Resources] = [:]
    ) throws(AllocatorError) {
        guard agents[id] == nil else { throw .agentExists(id) }
        var sum = Resources()
        for (key, resources) in inUse {
            guard key.agent == id else { throw .unknownAgent(key.agent) }
            sum.add(resources)
        }
        do {
            _ = try resources.subtracting(sum)
        } catch {
            throw .totalBelowUsed(id, error)
        }
        agents[id] = Agent(total: resources, allocated: Resources())
        agentOrder.insert(id, at: agentOrder.partitionPoint { $0 > id })
        total.add(resources.scalarQuantities)
        for key in inUse.keys.sorted() where !inUse[key]!.isEmpty {
            allocate(inUse[key]!, to: key)
            used[key, default: Resources()].add(inUse[key]!)
        }
    }

    /// Gives an agent a new total. Its outstanding offers are rescinded (returned, in id
    /// order); what its tasks use must fit the new total, or nothing changes.
    public mutating func updateAgent(_ id: AgentID, total resources: Resources) throws(AllocatorError) -> [Offer] {
        guard let agent = agents[id] else { throw .unknownAgent(id) }
        let inUse = usedResources(on: id)
        do {
            _ = try resources.subtracting(inUse)
        } catch {
            throw .totalBelowUsed(id, error)
        }
        let rescinded = offersInOrder.filter { $0.agent == id }
        for offer in rescinded { withdraw(offer) }
        total.remove(agent.total.scalarQuantities)
        total.add(resources.scalarQuantities)
        agents[id]!.total = resources
        return rescinded
    }

    /// Removes an agent with its offers (returned, in id order, for the master to rescind),
    /// the allocations of its tasks and the filters that name it.
    public mutating func removeAgent(_ id: AgentID) throws(AllocatorError) -> [Offer] {
        guard let agent = agents[id] else { throw .unknownAgent(id) }
        let rescinded = offersInOrder.filter { $0.agent == id }
        for offer in rescinded { withdraw(offer) }
        for key in used.keys.sorted() where key.agent == id { unallocate(used.removeValue(forKey: key)!, from: key) }
        for key in filters.keys.sorted() where key.agent == id { filters[key] = nil }
        total.remove(agent.total.scalarQuantities)
        agents[id] = nil
        agentOrder.removeAll { $0 == id }
        return rescinded
    }

    /// Stops offers of the agent's resources (it disconnected) and takes back its
    /// outstanding offers (returned, in id order); what its tasks use stays booked.
    public mutating func deactivateAgent(_ id: AgentID) throws(AllocatorError) -> [Offer] {
        guard agents[id] != nil else { throw .unknownAgent(id) }
        agents[id]!.isActive = false
        let rescinded = offersInOrder.filter { $0.agent == id }
        for offer in rescinded { withdraw(offer) }
        return rescinded
    }

    public mutating func activateAgent(_ id: AgentID) throws(AllocatorError) {
        guard agents[id] != nil else { throw .unknownAgent(id) }
        agents[id]!.isActive = true
    }

    func usedResources(on agent: AgentID) -> Resources {
        var sum = Resources()
        for (key, resources) in used where key.agent == agent { sum.add(resources) }
        return sum
    }
}

// MARK: - Frameworks

extension Allocator {
    /// Adds a framework subscribed to `roles`, offers suppressed for `suppressedRoles`.
    /// `"*"` is a role like any other here, as in Mesos, where it is the default role of a
    /// framework that names none: it is offered unreserved resources only.
    public mutating func addFramework(
        _ id: FrameworkID, roles: [String], suppressedRoles: [String] = []
    ) throws(AllocatorError) {
        guard frameworks[id] == nil else { throw .frameworkExists(id) }
        guard !roles.isEmpty else { throw .noRoles(id) }
        if let invalid = roles.first(where: { !Resource.isValidRole($0) }) {
            throw .invalidRole(invalid)
        }
        if let stray = suppressedRoles.first(where: { !roles.contains($0) }) {
            throw .roleNotSubscribed(id, role: stray)
        }
        frameworks[id] = Framework(roles: Array(Set(roles)).sorted(), suppressedRoles: Set(suppressedRoles))
    }

    /// Removes a framework: its offers (returned, in id order, for the master to rescind),
    /// what its tasks used and its filters.
    public mutating func removeFramework(_ id: FrameworkID) throws(AllocatorError) -> [Offer] {
        guard frameworks[id] != nil else { throw .unknownFramework(id) }
        let rescinded = offersInOrder.filter { $0.framework == id }
        for offer in rescinded { withdraw(offer) }
        for key in used.keys.sorted() where key.framework == id {
            unallocate(used.removeValue(forKey: key)!, from: key)
        }
        for key in filters.keys.sorted() where key.framework == id { filters[key] = nil }
        frameworks[id] = nil
        return rescinded
    }

    /// Stops all offers to the framework (its scheduler disconnected) and takes back its
    /// outstanding offers (returned, in id order); what its tasks use stays booked.
    public mutating func deactivateFramework(_ id: FrameworkID) throws(AllocatorError) -> [Offer] {
        guard frameworks[id] != nil else { throw .unknownFramework(id) }
        frameworks[id]!.isActive = false
        let rescinded = offersInOrder.filter { $0.framework == id }
        for offer in rescinded { withdraw(offer) }
        return rescinded
    }

    public mutating func activateFramework(_ id: FrameworkID) throws(AllocatorError) {
        guard frameworks[id] != nil else { throw .unknownFramework(id) }
        frameworks[id]!.isActive = true
    }

    /// Stops offers to the framework for `roles` (all of its roles if nil), as SUPPRESS.
    public mutating func suppress(_ id: FrameworkID, roles: [String]? = nil) throws(AllocatorError) {
        let roles = try subscribedRoles(id, roles)
        frameworks[id]!.suppressedRoles.formUnion(roles)
    }

    /// Resumes offers to the framework for `roles` (all if nil) and drops its filters for
    /// them, as REVIVE.
    public mutating func revive(_ id: FrameworkID, roles: [String]? = nil) throws(AllocatorError) {
        let roles = try subscribedRoles(id, roles)
        frameworks[id]!.suppressedRoles.subtract(roles)
        for key in filters.keys.sorted() where key.framework == id && roles.contains(key.role) { filters[key] = nil }
    }

    private func subscribedRoles(_ id: FrameworkID, _ roles: [String]?) throws(AllocatorError) -> [String] {
        guard let framework = frameworks[id] else { throw .unknownFramework(id) }
        guard let roles else { return framework.roles }
        if let stray = roles.first(where: { !framework.roles.contains($0) }) {
            throw .roleNotSubscribed(id, role: stray)
        }
        return roles
    }
}

// MARK: - Accounting

extension Allocator {
    /// Books `resources` as allocated to `key`; the agent must have them available. The
    /// check is on what is available, not on the new sum against the total: ranges and sets
    /// unite, so a port offered twice would not grow the sum.
    mutating func allocate(_ resources: Resources, to key: AllocationKey) {
        precondition(
            agents[key.agent]!.available.contains(resources),
            "agent \(key.agent) committed beyond its total: \(resources) on top of \(agents[key.agent]!.allocated) of \(agents[key.agent]!.total)"
        )
        agents[key.agent]!.allocated.add(resources)
        let quantities = resources.scalarQuantities
        roleAllocated[key.role, default: ScalarQuantities()].add(quantities)
        frameworkAllocated[key.role, default: [:]][key.framework, default: ScalarQuantities()].add(quantities)
    }

    /// Books `resources` as no longer allocated to `key`.
    mutating func unallocate(_ resources: Resources, from key: AllocationKey) {
        agents[key.agent]!.allocated = agents[key.agent]!.allocated.removing(resources)
        let quantities = resources.scalarQuantities
        roleAllocated[key.role, default: ScalarQuantities()].remove(quantities)
        if roleAllocated[key.role]!.isEmpty { roleAllocated[key.role] = nil }
        var byFramework = frameworkAllocated[key.role] ?? [:]
        byFramework[key.framework, default: ScalarQuantities()].remove(quantities)
        if byFramework[key.framework]!.isEmpty { byFramework[key.framework] = nil }
        frameworkAllocated[key.role] = byFramework.isEmpty ? nil : byFramework
    }

    /// Takes an outstanding offer back, its resources available again.
    mutating func withdraw(_ offer: Offer) {
        offers[offer.id] = nil
        unallocate(offer.resources, from: offer.key)
    }
}

extension Array {
    /// The first index whose element satisfies `isAfter`, for an array partitioned by it
    /// (all non-matching elements first), found by binary search.
    func partitionPoint(_ isAfter: (Element) -> Bool) -> Int {
        var low = 0
        var high = count
        while low < high {
            let middle = (low + high) / 2
            if isAfter(self[middle]) { high = middle } else { low = middle + 1 }
        }
        return low
    }
}
