import ClusterCore
import ClusterProtocol

/// Removing an agent for good, as Mesos' master does an agent that unregistered
/// (`Master::_removeSlave`).
extension Master {
    /// The agent is forgotten: its tasks that are not terminal become TASK_LOST with
    /// REASON_AGENT_REMOVED, its offers are rescinded, its executors dropped, every connected
    /// framework hears FAILURE for the agent and operator subscribers AGENT_REMOVED. Its id is
    /// remembered (`removedAgents`) so that nothing registers again under it.
    mutating func removeAgent(_ id: Mesos.AgentID, cause: String) {
        guard let agent = agents.removeValue(forKey: id) else { return }
        if let stream = agent.stream {
            agentStreams[stream] = nil
            emit(.closeAgentStream(stream))
        }
        rescind((try? allocator.removeAgent(agent.modelID)) ?? [])
        for key in agent.tasks.sorted() { loseTask(key, agent: agent, cause: cause) }
        for frameworkID in frameworks.keys.sorted() { frameworks[frameworkID]!.executors[id] = nil }
        executorResources = executorResources.filter { $0.key.agent != id }
        for framework in frameworks.values.sorted(by: { $0.id < $1.id }) {
            guard let stream = framework.stream else { continue }
            emit(.sendToFramework(stream, Mesos.SchedulerEvent(type: .failure, failure: .init(agentID: id))))
        }
        removedAgents.insert(id, keeping: config.removedAgentsMax)
        if registry.agents[id]?.state == .admitted { writeRegistry([.removeAgent(id)]) }
        log("Agent \(id) (\(agent.info.hostname)) removed: \(cause)")
        emit(.publish(.agentRemoved(id)))
        allocateSoon()
    }

    /// A task on a removed agent ends: TASK_LOST unless it already ended; either way it
    /// moves to its framework's completed tasks (its resources left with the agent).
    private mutating func loseTask(_ key: TaskKey, agent: AgentRecord, cause: String) {
        guard var task = frameworks[key.framework]?.tasks.removeValue(forKey: key.task) else { return }
        if !task.isTerminal {
            var status = masterStatus(
                taskID: key.task, agentID: agent.id, state: .lost, reason: .agentRemoved,
                message: "Agent \(agent.info.hostname) removed: \(cause)")
            status.executorID = task.executorID
            task.state = .lost
            task.record(status, keeping: config.statusesPerTaskMax)
            task.unacknowledged = nil
            emit(.publish(.taskUpdated(frameworkID: key.framework, status: status, state: .lost)))
            if let stream = frameworks[key.framework]!.stream { emit(.sendToFramework(stream, .update(status))) }
        }
        task.resourcesRecovered = true
        frameworks[key.framework]!.complete(task, keeping: config.completedTasksPerFrameworkMax)
    }
}
