import ClusterCore
import ClusterProtocol

/// Agents leaving the master's books, as Mesos' master removes one (`Master::_removeSlave`
/// and `__removeSlave`): it unregistered, it was marked unreachable, or the operator marked
/// it gone.
extension Master {
    /// Why an agent leaves, which decides what its tasks become.
    enum AgentDeparture: Sendable, Equatable {
        /// It stopped for good and killed its containers: tasks become TASK_LOST.
        case unregistered
        /// It was not heard from (the registry holds it unreachable since the time): tasks of
        /// partition-aware frameworks become TASK_UNREACHABLE and may come back with it.
        case unreachable(at: Int64)
        /// The operator marked it gone: tasks of partition-aware frameworks become
        /// TASK_GONE_BY_OPERATOR.
        case gone

        /// The state and reason a live task there takes, for a framework that is or is not
        /// partition-aware; others hear TASK_LOST.
        func taskState(partitionAware: Bool) -> (Mesos.TaskState, Mesos.TaskStatus.Reason) {
            switch self {
            case .unreachable where partitionAware: (.unreachable, .agentRemoved)
            case .gone where partitionAware: (.goneByOperator, .agentRemovedByOperator)
            default: (.lost, .agentRemoved)
            }
        }
    }

    /// The agent leaves: its live tasks take the state `departure` gives them, its offers are
    /// rescinded, its executors dropped, every connected framework hears FAILURE for the
    /// agent and operator subscribers AGENT_REMOVED. An agent that unregistered is
    /// remembered (`removedAgents`), so that nothing registers again under its id, and
    /// leaves the registry; the other departures were written to the registry before.
    mutating func removeAgent(_ id: Mesos.AgentID, as departure: AgentDeparture, cause: String) {
        guard let agent = agents.removeValue(forKey: id) else { return }
        if let stream = agent.stream {
            agentStreams[stream] = nil
            emit(.closeAgentStream(stream))
        }
        rescind((try? allocator.removeAgent(agent.modelID)) ?? [])
        for key in agent.tasks.sorted() { endTask(key, agent: agent, as: departure, cause: cause) }
        for frameworkID in frameworks.keys.sorted() { frameworks[frameworkID]!.executors[id] = nil }
        executorResources = executorResources.filter { $0.key.agent != id }
        sendAgentLost(id)
        if departure == .unregistered {
            removedAgents.insert(id, keeping: config.removedAgentsMax)
            if registry.agents[id]?.state == .admitted { writeRegistry([.removeAgent(id)]) }
        }
        log("Agent \(id) (\(agent.info.hostname)) removed: \(cause)")
        emit(.publish(.agentRemoved(id)))
        allocateSoon()
    }

    /// Every connected framework hears FAILURE for the agent (Mesos' `sendSlaveLost`).
    mutating func sendAgentLost(_ id: Mesos.AgentID) {
        for framework in frameworks.values.sorted(by: { $0.id < $1.id }) {
            guard let stream = framework.stream else { continue }
            emit(.sendToFramework(stream, Mesos.SchedulerEvent(type: .failure, failure: .init(agentID: id))))
        }
    }

    /// A task on an agent that leaves ends, unless it already had: a partition-aware
    /// framework's task on an unreachable agent is kept among its unreachable tasks, any
    /// other moves to the completed tasks (its resources left with the agent).
    private mutating func endTask(_ key: TaskKey, agent: AgentRecord, as departure: AgentDeparture, cause: String) {
        guard var task = frameworks[key.framework]?.tasks.removeValue(forKey: key.task) else { return }
        let partitionAware = frameworks[key.framework]!.isPartitionAware
        task.resourcesRecovered = true
        guard !task.isTerminal else {
            frameworks[key.framework]!.complete(task, keeping: config.completedTasksPerFrameworkMax)
            return
        }
        let (state, reason) = departure.taskState(partitionAware: partitionAware)
        var status = masterStatus(
            taskID: key.task, agentID: agent.id, state: state, reason: reason,
            message: "Agent \(agent.info.hostname) removed: \(cause)")
        status.executorID = task.executorID
        if case .unreachable(let time) = departure {
            status.unreachableTime = Mesos.TimeInfo(nanoseconds: time * 1_000_000)
        }
        task.state = state
        task.record(status, keeping: config.statusesPerTaskMax)
        task.unacknowledged = nil
        emit(.publish(.taskUpdated(frameworkID: key.framework, status: status, state: state)))
        if let stream = frameworks[key.framework]!.stream { emit(.sendToFramework(stream, .update(status))) }
        if state == .unreachable {
            frameworks[key.framework]!.unreachableTasks.set(
                key.task, task, keeping: config.unreachableTasksPerFrameworkMax)
        } else {
            frameworks[key.framework]!.complete(task, keeping: config.completedTasksPerFrameworkMax)
        }
    }
}
