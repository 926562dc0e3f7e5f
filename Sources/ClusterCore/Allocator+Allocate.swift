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
        var round = AllocationRound(self, members: roleMembers())
        var made: [Offer] = []
        for agentID in only.map({ $0.sorted() }) ?? agentOrder {
            guard let agent = agents.index(forKey: agentID), agents.values[agent].isActive else { continue }
            var available = agents.values[agent].available
            for role in round.roleOrder.clients {
                guard isAllocatable(available) else { break }
                let forRole = available.allocatable(to: round.roles[role].name)
                guard isAllocatable(forRole),
                    let framework = firstUnfiltered(&round, role: role, forRole, on: agentID, now: now)
                else { continue }
                made.append(makeOffer(forRole, to: round.key(role, framework, agentID), on: agent))
                round.book(forRole.scalarQuantities, role: role, framework: framework)
                // forRole is a part of available picked out entry by entry: as many entries is all of it.
                available = forRole.entries.count == available.entries.count ? Resources() : available.removing(forRole)
            }
        }
        writeBack(round)
        return made
    }

    /// True if `resources` hold one of the minimum allocatable quantities.
    public func isAllocatable(_ resources: Resources) -> Bool {
        guard !resources.isEmpty else { return false }
        guard !config.minimumAllocatable.isEmpty else { return true }
        return config.minimumAllocatable.contains { minimum in
            minimum.entries.allSatisfy { $0.amount <= resources.scalar($0.name) }
        }
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

    /// The first framework of `role`, in the sorter's order, that no filter holds back
    /// from `resources` on `agent`.
    private func firstUnfiltered(
        _ round: inout AllocationRound, role: Int, _ resources: Resources, on agent: AgentID, now: Int64
    ) -> Int? {
        var position = 0
        while let framework = round.framework(at: position, of: role) {
            if filters.isEmpty || !isFiltered(round.key(role, framework, agent), resources, now: now) {
                return framework
            }
            position += 1
        }
        return nil
    }

    /// Offers `resources`, which the agent at `index` has available, to `key`. The round
    /// books the sorter's sums; `writeBack` stores them.
    private mutating func makeOffer(
        _ resources: Resources, to key: AllocationKey, on index: Dictionary<AgentID, Agent>.Index
    ) -> Offer {
        let offer = Offer(
            id: OfferID(nextOfferID), framework: key.framework, role: key.role, agent: key.agent,
            resources: resources)
        nextOfferID += 1
        agents.values[index].allocated.add(resources)
        offers[offer.id] = offer
        return offer
    }

    /// Stores what the round booked for the roles it offered to and their frameworks.
    private mutating func writeBack(_ round: AllocationRound) {
        for role in round.roles where role.isTouched {
            roleAllocated[role.name] = role.allocated.isEmpty ? nil : role.allocated
            var byFramework = frameworkAllocated[role.name] ?? [:]
            for (framework, allocated) in zip(role.frameworks, role.frameworkAllocated) where !allocated.isEmpty {
                byFramework[framework] = allocated
            }
            frameworkAllocated[role.name] = byFramework.isEmpty ? nil : byFramework
        }
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
}
