import ClusterCore
import ClusterProtocol

/// The registry from the core's side: the writes it asks of the edge, what waits for each,
/// and the frameworks a master recovers when it takes over.
extension Master {
    /// A write asked for, and what happens once Keeper has taken it.
    struct RegistryWrite: Sendable {
        var operations: [RegistryOperation]
        var admission: PendingAdmission?
        /// The operator's call to answer once it is written.
        var request: Int?
    }

    /// A new agent waiting for its admission to be written before it hears REGISTERED.
    struct PendingAdmission: Sendable {
        var register: AgentCall.Register
        var info: Mesos.AgentInfo
        var total: Resources
        var stream: StreamID
        /// The registry held the agent as unreachable: it is being marked reachable.
        var wasUnreachable = false
    }

    /// Asks the edge to write `operations`; `admission` completes once they are written.
    mutating func writeRegistry(
        _ operations: [RegistryOperation], admitting admission: PendingAdmission? = nil, answering request: Int? = nil
    ) {
        let id = nextRegistryWrite
        nextRegistryWrite += 1
        registryWrites[id] = RegistryWrite(operations: operations, admission: admission, request: request)
        if let admission { pendingAdmissions[admission.info.id!] = admission }
        emit(.writeRegistry(id, operations))
    }

    mutating func onRegistryWritten(_ id: Int, refusal: String?) {
        guard let write = registryWrites.removeValue(forKey: id) else { return }
        for operation in write.operations {
            guard case .agent(let agent) = operation.entry else { continue }
            if case .markUnreachable = operation { markingUnreachable.remove(agent) }
            if operation.isMaintenance { maintaining.remove(agent) }
        }
        defer { if let request = write.request { emit(.answerOperator(request, refusal: refusal)) } }
        // The admission this write was for, if its stream is still the one waiting (not
        // closed, and not replaced by a newer registration of the same agent).
        var admission: PendingAdmission?
        if let queued = write.admission, let agent = queued.info.id, pendingAdmissions[agent]?.stream == queued.stream {
            admission = pendingAdmissions.removeValue(forKey: agent)
        }
        if let refusal {
            log("Registry write \(write.operations) refused: \(refusal)")
            if let admission {
                log("Agent \(admission.info.id!) (\(admission.info.hostname)) not admitted: \(refusal)")
                emit(.closeAgentStream(admission.stream))
            }
            return
        }
        for operation in write.operations {
            guard case .success(let next) = registry.applying(operation) else { continue }
            registry = next
            if case .markUnreachable(let agent, let time) = operation { onMarkedUnreachable(agent, at: time) }
            if case .pruneAgent(let agent) = operation {
                forgetUnreachableTasks(on: agent)
                removedAgents.insert(agent, keeping: config.removedAgentsMax)
            }
            onMaintenanceWritten(operation)
        }
        if let admission {
            admit(admission)
        } else if let abandoned = write.admission, case .admitAgent = write.operations.first {
            // A new agent whose stream ended before its admission was written never learned
            // its id: it will register as another agent, so this entry is removed again.
            let agent = abandoned.info.id!
            if agents[agent] == nil, pendingAdmissions[agent] == nil { writeRegistry([.removeAgent(agent)]) }
        }
    }

    /// Registry GC (Mesos' `doRegistryGc`): unreachable and gone agents older than
    /// `registryMaxAgentAge`, and the oldest beyond `registryMaxAgentCount`, leave the
    /// registry, `pruneBatch` to a write. This master refuses such an agent if it registers
    /// again, as it refuses agents removed; a master elected later does not know it, and
    /// admits it with its tasks, as any agent its registry does not hold.
    mutating func pruneRegistry() {
        guard now >= nextRegistryGCAt else { return }
        nextRegistryGCAt = now + config.registryGCInterval
        let away = registry.agents.filter { $0.value.state != .admitted }.map {
            (id: $0.key, since: $0.value.since ?? now)
        }
        .sorted { ($0.since, $0.id) < ($1.since, $1.id) }
        let excess = max(0, away.count - config.registryMaxAgentCount)
        let pruned = away.enumerated().filter { index, agent in
            index < excess || agent.since <= now - config.registryMaxAgentAge
        }.map(\.element.id)
        guard !pruned.isEmpty else { return }
        log(
            "Pruning \(pruned.count) unreachable or gone agents from the registry (older than \(config.registryMaxAgentAge / 1000) s, or beyond \(config.registryMaxAgentCount))"
        )
        for start in stride(from: 0, to: pruned.count, by: Self.pruneBatch) {
            writeRegistry(pruned[start..<min(start + Self.pruneBatch, pruned.count)].map { .pruneAgent($0) })
        }
    }

    /// Agents pruned in one registry write: one multi of as many deletes.
    static let pruneBatch = 1_000

    /// A pruned agent's tasks leave its frameworks' unreachable tasks (Mesos forgets them too).
    private mutating func forgetUnreachableTasks(on agent: Mesos.AgentID) {
        for id in frameworks.keys.sorted() {
            let tasks = frameworks[id]!.unreachableTasks.values.filter { $0.agentID == agent }.map(\.taskID)
            for task in tasks { frameworks[id]!.unreachableTasks.removeValue(forKey: task) }
        }
    }

    /// Writes a framework's info if the registry will not hold it as it is.
    mutating func recordFramework(_ info: Mesos.FrameworkInfo) {
        guard let id = info.id, plannedFramework(id) != info else { return }
        writeRegistry([.addFramework(info)])
    }

    /// Writes that a framework is gone, if the registry will hold it.
    mutating func forgetFramework(_ id: Mesos.FrameworkID) {
        guard plannedFramework(id) != nil else { return }
        writeRegistry([.removeFramework(id)])
    }

    /// A framework's entry once the writes asked for are made: a framework torn down while
    /// its addition is being written must still be removed.
    private func plannedFramework(_ id: Mesos.FrameworkID) -> Mesos.FrameworkInfo? {
        var info = registry.frameworks[id]
        for write in registryWrites.keys.sorted() {
            for operation in registryWrites[write]!.operations {
                switch operation {
                case .addFramework(let added) where added.id == id: info = added
                case .removeFramework(id): info = nil
                default: break
                }
            }
        }
        return info
    }

    /// When the agents the registry holds as admitted must have registered again with this
    /// master (`agentReregisterTimeout` after it started leading); nil once that has passed.
    var reregistrationDeadline: Int64? {
        recoveredAgentsMarked ? nil : startedAt + config.agentReregisterTimeout
    }

    /// Past the deadline, the agents of the registry that have not registered again are
    /// marked unreachable, as Mesos' master does after `--agent_reregister_timeout`.
    mutating func markMissingAgentsUnreachable() {
        guard let deadline = reregistrationDeadline, now >= deadline else { return }
        recoveredAgentsMarked = true
        let missing = registry.agents.filter {
            $0.value.state == .admitted && agents[$0.key] == nil && pendingAdmissions[$0.key] == nil
        }.keys.sorted()
        guard !missing.isEmpty else { return }
        log(
            "\(missing.count) agents did not register again within \(config.agentReregisterTimeout / 1000) s; marking them unreachable"
        )
        // One write each: one refused (the agent was removed meanwhile) leaves the others.
        // Until its write is answered, an agent's REGISTER is refused (503).
        for agent in missing {
            markingUnreachable.insert(agent)
            writeRegistry([.markUnreachable(agent, at: now)])
        }
    }

    /// A framework this master learned of without its subscription (from the registry, or
    /// from an agent's tasks): disconnected and offered nothing until it subscribes again,
    /// and removed, with its tasks, after its failover timeout — counted from now and at
    /// least `recoveredFrameworkTimeoutMin`, so that a failover never kills the tasks of a
    /// framework still finding the new master.
    mutating func recoverFramework(_ info: Mesos.FrameworkInfo, from source: String) {
        guard let id = info.id, frameworks[id] == nil else { return }
        guard (try? allocator.addFramework(FrameworkID(id.value), roles: info.effectiveRoles)) != nil else { return }
        _ = try? allocator.deactivateFramework(FrameworkID(id.value))
        let timeout = Int64(max(0, min(info.failoverTimeout ?? 0, 365 * 24 * 3600)) * 1000)
        frameworks[id] = FrameworkRecord(
            info: info, stream: nil, active: false, registeredAt: now, disconnectedAt: now,
            failoverDeadline: now + max(timeout, config.recoveredFrameworkTimeoutMin), nextHeartbeatAt: now)
        log("Framework \(id) (\(info.name)) recovered from \(source); waiting for it to subscribe")
    }
}
