import ClusterProtocol

/// Agents that stop answering, as Mesos' `SlaveObserver` finds them: an agent the master
/// has not heard from for `agentSilenceMax` (its PINGs unanswered, or its stream gone and
/// not back) is marked unreachable in the registry, then removed from the master's books.
extension Master {
    /// Starts marking every silent agent unreachable, one registry write each; until its
    /// write is answered, the agent's REGISTER is refused (503).
    mutating func markSilentAgentsUnreachable() {
        for id in agents.keys.sorted() {
            let agent = agents[id]!
            guard now >= agent.lastHeardAt + config.agentSilenceMax, !markingUnreachable.contains(id) else { continue }
            log(
                "Agent \(id) (\(agent.info.hostname)) not heard from for \(config.agentSilenceMax / 1000) s (\(config.maxAgentPingTimeouts) pings); marking it unreachable"
            )
            markingUnreachable.insert(id)
            writeRegistry([.markUnreachable(id, at: now)])
        }
    }

    /// The earliest time an agent falls silent, for `nextWakeup`.
    var nextSilenceDeadline: Int64 {
        var deadline = Int64.max
        for agent in agents.values where !markingUnreachable.contains(agent.id) {
            deadline = min(deadline, agent.lastHeardAt + config.agentSilenceMax)
        }
        return deadline
    }

    /// The registry now holds the agent unreachable: a registered one is removed, its
    /// tasks lost or unreachable; of one that had not registered again since a failover
    /// nothing is known but its id, so frameworks hear only FAILURE.
    mutating func onMarkedUnreachable(_ id: Mesos.AgentID, at time: Int64) {
        guard agents[id] != nil else {
            sendAgentLost(id)
            return
        }
        removeAgent(
            id, as: .unreachable(at: time),
            cause: "not heard from for \(config.agentSilenceMax / 1000) s; marked unreachable")
    }
}
