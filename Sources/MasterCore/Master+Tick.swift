import ClusterCore
import ClusterProtocol

/// Timers: allocation rounds, heartbeats to schedulers, pings to agents, frameworks whose
/// failover timeout ran out, offers past the offer timeout.
extension Master {
    mutating func onTick() {
        isRemovalDue = false
        markMissingAgentsUnreachable()
        pruneRegistry()
        markSilentAgentsUnreachable()
        markDrainedAgents()
        removeFailedOverFrameworks()
        rescindExpiredOffers()
        sendHeartbeats()
        pingAgents()
        if now >= nextAllocationAt {
            agentsToAllocate = []
            allocate()
            nextAllocationAt = now + config.allocationInterval
        } else if !agentsToAllocate.isEmpty {
            let agents = agentsToAllocate
            agentsToAllocate = []
            allocate(only: agents)
        }
    }

    /// One allocation round; each framework hears its new offers in one OFFERS event.
    mutating func allocate(only agents: Set<AgentID>? = nil) {
        allocationRounds += 1
        let made = allocator.allocate(now: now, agents: agents)
        guard !made.isEmpty else { return }
        var byFramework: [FrameworkID: [Mesos.Offer]] = [:]
        var order: [FrameworkID] = []
        for offer in made {
            offerMadeAt[offer.id] = now
            if byFramework[offer.framework] == nil { order.append(offer.framework) }
            byFramework[offer.framework, default: []].append(wireOffer(offer))
        }
        for framework in order {
            guard let stream = frameworks[Mesos.FrameworkID(value: framework.value)]?.stream else { continue }
            emit(.sendToFramework(stream, .offers(byFramework[framework]!)))
        }
    }

    /// An allocator offer as Mesos' Offer: the agent's hostname and attributes, the
    /// resources with their allocation role, the framework's executors running there.
    public func wireOffer(_ offer: Offer) -> Mesos.Offer {
        let agentID = Mesos.AgentID(value: offer.agent.value)
        let frameworkID = Mesos.FrameworkID(value: offer.framework.value)
        let agent = agents[agentID]
        let executors = frameworks[frameworkID]?.executors[agentID].map { $0.keys.sorted() } ?? []
        return Mesos.Offer(
            id: wireOfferID(offer.id), frameworkID: frameworkID, agentID: agentID,
            hostname: agent?.info.hostname ?? "",
            resources: [Mesos.Resource](offer.resources, allocationRole: offer.role),
            attributes: agent?.info.attributes ?? [], executorIDs: executors,
            allocationInfo: Mesos.Resource.AllocationInfo(role: offer.role))
    }

    private mutating func removeFailedOverFrameworks() {
        let due = frameworks.values.filter { ($0.failoverDeadline ?? .max) <= now }.map(\.id).sorted()
        for id in due { removeFramework(id, reason: "its failover timeout ran out") }
    }

    private mutating func rescindExpiredOffers() {
        guard let timeout = config.offerTimeout else { return }
        let expired = offerMadeAt.filter { $0.value + timeout <= now }.keys.sorted()
        var offers: [Offer] = []
        for id in expired {
            guard let offer = allocator.offers[id] else {
                offerMadeAt[id] = nil
                continue
            }
            try? allocator.rescind(id)
            offers.append(offer)
        }
        rescind(offers)
        for offer in offers { allocateSoon(on: Mesos.AgentID(value: offer.agent.value)) }
    }

    private mutating func sendHeartbeats() {
        for id in frameworks.keys.sorted() {
            guard let stream = frameworks[id]!.stream, frameworks[id]!.nextHeartbeatAt <= now else { continue }
            emit(.sendToFramework(stream, .heartbeat))
            frameworks[id]!.nextHeartbeatAt = now + config.heartbeatInterval
        }
    }

    private mutating func pingAgents() {
        for id in agents.keys.sorted() {
            guard let stream = agents[id]!.stream, agents[id]!.nextPingAt <= now else { continue }
            emit(.sendToAgent(stream, .ping))
            agents[id]!.nextPingAt = now + config.agentPingInterval
        }
    }
}
