import ClusterCore
import ClusterProtocol

/// What an operator may do to an agent (Mesos' DEACTIVATE_AGENT, REACTIVATE_AGENT,
/// DRAIN_AGENT and MARK_AGENT_GONE).
public enum MaintenanceCall: Sendable, Equatable {
    /// Offer it nothing; its tasks run on.
    case deactivate(Mesos.AgentID)
    /// Offer it again, ending a drain.
    case reactivate(Mesos.AgentID)
    /// Deactivate it and kill its tasks, each within `maxGracePeriod` (milliseconds) if
    /// given; once none is left it is DRAINED, and marked gone if `markGone`.
    case drain(Mesos.AgentID, maxGracePeriod: Int64?, markGone: Bool)
    /// It is gone for good: its tasks become TASK_GONE_BY_OPERATOR (TASK_LOST for frameworks
    /// that are not partition-aware), and it may never register again.
    case markGone(Mesos.AgentID)

    public var agentID: Mesos.AgentID {
        switch self {
        case .deactivate(let id), .reactivate(let id), .drain(let id, _, _), .markGone(let id): id
        }
    }
}

/// Maintenance: each call is written to the registry first, then carried out, then
/// answered (`MasterAction.answerOperator`), as Mesos' master does.
extension Master {
    mutating func onMaintenance(_ call: MaintenanceCall, request: Int) -> MasterReply {
        let id = call.agentID
        guard let entry = registry.agents[id] else {
            return .rejected(status: 404, message: "No agent \(id) in the registry")
        }
        guard !markingUnreachable.contains(id), !maintaining.contains(id) else {
            return .rejected(status: 503, message: "Agent \(id) is being changed by another call; try again")
        }
        let operation: RegistryOperation
        switch call {
        case .markGone:
            guard entry.state != .gone else {
                emit(.answerOperator(request, refusal: nil))
                return .accepted
            }
            operation = .markGone(id, at: now)
        case _ where entry.state == .gone:
            return .rejected(status: 400, message: "Agent \(id) is gone")
        case .deactivate:
            operation = .deactivateAgent(id)
        case .reactivate:
            guard entry.deactivated else { return .rejected(status: 400, message: "Agent \(id) is not deactivated") }
            operation = .reactivateAgent(id)
        case .drain(_, let grace, let markGone):
            guard grace.map({ $0 >= 0 }) ?? true else {
                return .rejected(status: 400, message: "'max_grace_period' must not be negative")
            }
            operation = .drainAgent(id, maxGracePeriod: grace, markGone: markGone)
        }
        log("Operator call for agent \(id) (\(entry.info.hostname)): \(operation)")
        maintaining.insert(id)
        writeRegistry([operation], answering: request)
        return .accepted
    }

    /// A maintenance operation Keeper has taken is carried out on the master's books.
    mutating func onMaintenanceWritten(_ operation: RegistryOperation) {
        switch operation {
        case .deactivateAgent(let id):
            deactivateInAllocator(id)
        case .reactivateAgent(let id):
            guard let agent = agents[id], agent.isConnected else { return }
            try? allocator.activateAgent(agent.modelID)
            allocateSoon(on: id)
        case .drainAgent(let id, let grace, _):
            deactivateInAllocator(id)
            sendDrain(id, maxGracePeriod: grace)
        case .markAgentDrained(let id):
            log("Agent \(id) is drained")
            if registry.agents[id]?.drain?.markGone == true { writeRegistry([.markGone(id, at: now)]) }
        case .markGone(let id, _):
            markedGone(id)
        default: break
        }
    }

    /// The allocator offers nothing of the agent, and its outstanding offers are rescinded.
    private mutating func deactivateInAllocator(_ id: Mesos.AgentID) {
        guard let agent = agents[id] else { return }
        rescind((try? allocator.deactivateAgent(agent.modelID)) ?? [])
    }

    /// Tells a connected agent to kill its tasks, within the grace period if given.
    mutating func sendDrain(_ id: Mesos.AgentID, maxGracePeriod: Int64?) {
        guard let stream = agents[id]?.stream else { return }
        let drain = AgentEvent.Drain(
            maxGracePeriod: maxGracePeriod.map { Mesos.DurationInfo(nanoseconds: $0 * 1_000_000) })
        emit(.sendToAgent(stream, AgentEvent(type: .drain, drain: drain)))
    }

    /// A registered agent that the registry holds as deactivated or draining, as it
    /// (re)joins: offered nothing, and told to drain again if it is draining.
    mutating func applyMaintenance(to id: Mesos.AgentID) {
        guard let entry = registry.agents[id], entry.deactivated else { return }
        deactivateInAllocator(id)
        if let drain = entry.drain, drain.state == .draining { sendDrain(id, maxGracePeriod: drain.maxGracePeriod) }
    }

    /// Draining agents with no task left (live, or terminal and unacknowledged) are
    /// marked DRAINED, one registry write each.
    mutating func markDrainedAgents() {
        for id in registry.agents.keys.sorted() where registry.agents[id]!.drain?.state == .draining {
            guard !maintaining.contains(id), let agent = agents[id], agent.tasks.isEmpty else { continue }
            maintaining.insert(id)
            writeRegistry([.markAgentDrained(id)])
        }
    }

    /// The registry holds the agent as gone: a registered one is told to shut down and is
    /// removed (its tasks TASK_GONE_BY_OPERATOR, or TASK_LOST); the tasks of an unreachable
    /// one that partition-aware frameworks kept are gone too.
    private mutating func markedGone(_ id: Mesos.AgentID) {
        if let stream = agents[id]?.stream {
            emit(.sendToAgent(stream, AgentEvent(type: .shutdown)))
        }
        if agents[id] != nil {
            removeAgent(id, as: .gone, cause: "the operator marked it gone")
            return
        }
        for frameworkID in frameworks.keys.sorted() {
            let kept = frameworks[frameworkID]!.unreachableTasks.values.filter { $0.agentID == id }
            for var task in kept.sorted(by: { $0.key < $1.key }) {
                frameworks[frameworkID]!.unreachableTasks.removeValue(forKey: task.taskID)
                let status = masterStatus(
                    taskID: task.taskID, agentID: id, state: .goneByOperator, reason: .agentRemovedByOperator,
                    message: "Agent marked gone by the operator")
                task.state = .goneByOperator
                task.record(status, keeping: config.statusesPerTaskMax)
                if let stream = frameworks[frameworkID]!.stream { emit(.sendToFramework(stream, .update(status))) }
                frameworks[frameworkID]!.complete(task, keeping: config.completedTasksPerFrameworkMax)
            }
        }
        log("Agent \(id) marked gone")
    }
}
