extension Allocator {
    /// One allocation round (Mesos' `allocate()`, without quota): drops expired filters,
    /// then, agent by agent in id order, offers what is available to the roles in the
    /// sorter's order, and inside a role to the first framework that has not suppressed the
    /// role and whose filters let the resources through. That framework is offered all
    /// of the agent's unreserved resources and those reserved for the role; resources
    /// reserved for other roles stay for them. Nothing below `minimumAllocatable` is offered.
    ///
    /// After each offer the framework and its role move to their new places in the
    /// sorter's order (only their keys changed), so each offer moves the next agent's order,
    /// as in Mesos. Returns the new offers in the order made.
    ///
    /// With `agents`, the round visits only those agents (Mesos' `allocate(agentIds)`): what
    /// the master runs after an event freed resources on a few agents, so that an event
    /// costs the agents it touched and not all of them; full rounds run at the interval.
    public mutating func allocate(now: Int64, agents only: Set<AgentID>? = nil) -> [Offer] {
        expireFilters(now: now)
        let members = roleMembers()
        var made: [Offer] = []
        var roleOrder = SortedClients(roleClients(members).map { sorter.roleKey($0, total: total) })
        var frameworkOrders: [String: SortedClients] = [:]
        for agentID in only.map({ $0.sorted() }) ?? agentOrder {
            guard let agent = agents[agentID], agent.isActive else { continue }
            var available = agent.available
            guard isAllocatable(available) else { continue }
            for role in roleOrder.keys.map(\.name) {
                let forRole = available.allocatable(to: role)
                guard isAllocatable(forRole) else { continue }
                if frameworkOrders[role] == nil {
                    frameworkOrders[role] = SortedClients(
                        frameworkClients(role, members[role] ?? []).map {
                            sorter.frameworkKey($0, role: role, total: total)
                        })
                }
                for index in 0..<frameworkOrders[role]!.count {
                    let name = frameworkOrders[role]!.name(at: index)
                    let key = AllocationKey(framework: FrameworkID(name), role: role, agent: agentID)
                    guard !isFiltered(key, forRole, now: now) else { continue }
                    made.append(makeOffer(forRole, to: key))
                    available = available.removing(forRole)
                    let framework = SortClient(name: name, allocated: allocation(framework: key.framework, role: role))
                    frameworkOrders[role]!.update(sorter.frameworkKey(framework, role: role, total: total))
                    let client = SortClient(
                        name: role, weight: config.weight(of: role), allocated: allocation(role: role))
                    roleOrder.update(sorter.roleKey(client, total: total))
                    break
                }
            }
        }
        return made
    }

    /// True if `resources` hold one of the minimum allocatable quantities.
    public func isAllocatable(_ resources: Resources) -> Bool {
        guard !resources.isEmpty else { return false }
        guard !config.minimumAllocatable.isEmpty else { return true }
        let quantities = resources.scalarQuantities
        return config.minimumAllocatable.contains { quantities.contains($0) }
    }

    /// True if a live filter of `key` holds back `resources`.
    public func isFiltered(_ key: AllocationKey, _ resources: Resources, now: Int64) -> Bool {
        guard !filters.isEmpty else { return false }
        return filters[key]?.contains { $0.filters(resources, now: now) } ?? false
    }

    mutating func expireFilters(now: Int64) {
        for key in filters.keys.sorted() {
            let live = filters[key]!.filter { now < $0.expiresAt }
            filters[key] = live.isEmpty ? nil : live
        }
    }

    private mutating func makeOffer(_ resources: Resources, to key: AllocationKey) -> Offer {
        let offer = Offer(
            id: OfferID(nextOfferID), framework: key.framework, role: key.role, agent: key.agent,
            resources: resources)
        nextOfferID += 1
        allocate(resources, to: key)
        offers[offer.id] = offer
        return offer
    }

    /// Each role with an active framework that has not suppressed it: its frameworks, sorted.
    private func roleMembers() -> [String: [FrameworkID]] {
        var members: [String: [FrameworkID]] = [:]
        for id in frameworks.keys.sorted() {
            let framework = frameworks[id]!
            guard framework.isActive else { continue }
            for role in framework.roles where !framework.isSuppressed(role) { members[role, default: []].append(id) }
        }
        return members
    }

    private func roleClients(_ members: [String: [FrameworkID]]) -> [SortClient] {
        members.keys.sorted().map { role in
            SortClient(name: role, weight: config.weight(of: role), allocated: allocation(role: role))
        }
    }

    private func frameworkClients(_ role: String, _ members: [FrameworkID]) -> [SortClient] {
        members.map { SortClient(name: $0.value, allocated: allocation(framework: $0, role: role)) }
    }
}
