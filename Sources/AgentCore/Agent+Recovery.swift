import ClusterProtocol

/// An agent started again on its work dir takes back what its checkpoint holds (Mesos'
/// agent recovery with `--recover=reconnect`): its id, so it registers again as the same
/// agent; the frameworks that checkpoint, their executors and tasks; their unacknowledged
/// status updates, sent again once registered. Tasks whose processes ended while it was
/// down are reported TASK_FAILED (TASK_KILLED if a kill was under way), as Mesos reports
/// an executor it cannot find again.
extension Agent {
    /// Why a checkpoint is not recovered from.
    public enum RecoveryRefusal: Error, Equatable, CustomStringConvertible {
        case unknownFormat(Int)
        /// The agent was started with other settings than the checkpointed agent's.
        case reconfigured(String)

        public var description: String {
            switch self {
            case .unknownFormat(let version):
                return
                    "the checkpoint is in format \(version); this agent reads format \(AgentCheckpoint.formatVersion)"
            case .reconfigured(let what):
                return "the checkpointed agent had \(what)"
            }
        }
    }

    /// The recovered agent and its first actions. `alive` names the checkpointed containers
    /// whose processes the edge found running (by pid and start time, in the same boot);
    /// the others ended while the agent was down.
    public static func recover(
        from checkpoint: AgentCheckpoint, alive: Set<Mesos.ContainerID>, config: AgentConfig, now: Int64
    ) throws(RecoveryRefusal) -> (Agent, AgentStep) {
        if let refusal = refusal(of: checkpoint, config: config) { throw refusal }
        var agent = Agent(config: config, now: now)
        agent.restore(checkpoint)
        agent.lastCheckpoint = checkpoint
        agent.resumeExecutors(alive: alive)
        for container in checkpoint.containers where container.recover && !alive.contains(container.containerID) {
            let how = container.process == nil ? "its process had not started" : "its process ended"
            agent.onContainerExited(
                container.containerID,
                ContainerExit(message: "\(how) while the agent was down", statusUnknown: true))
        }
        agent.restartHealthChecks()
        let tasks = agent.executors.values.reduce(0) { $0 + $1.tasks.count }
        agent.log(
            "Recovered agent \(agent.agentID?.value ?? "(not yet registered)"): \(agent.frameworks.count) frameworks, "
                + "\(agent.executors.count) executors, \(tasks) tasks, \(alive.count) containers still running")
        return (agent, AgentStep(reply: .none, actions: agent.takeOutbox()))
    }

    /// Why this agent may not recover from `checkpoint`, if it may not.
    public static func refusal(of checkpoint: AgentCheckpoint, config: AgentConfig) -> RecoveryRefusal? {
        guard checkpoint.formatVersion == AgentCheckpoint.formatVersion else {
            return .unknownFormat(checkpoint.formatVersion)
        }
        return difference(checkpoint.agentInfo, config.agentInfo).map { .reconfigured($0) }
    }

    private mutating func restore(_ checkpoint: AgentCheckpoint) {
        agentID = checkpoint.agentID
        for info in checkpoint.frameworks {
            if let id = info.id { frameworks[id] = info }
        }
        for run in checkpoint.executors {
            executors[run.key] = run
            for taskID in run.tasks.keys { taskExecutors[TaskKey(framework: run.frameworkID, task: taskID)] = run.key }
        }
        silencedExecutors = Set(checkpoint.silencedExecutors)
        updates.restore(checkpoint.updates)
        for container in checkpoint.containers where container.recover {
            containers[container.containerID] = ContainerOwner(
                executor: container.executor, task: container.task, process: container.process)
        }
    }

    /// Executors have lost their streams: a custom executor still running gets
    /// `executorReregistrationTimeout` to subscribe again; deadlines start again from now.
    private mutating func resumeExecutors(alive: Set<Mesos.ContainerID>) {
        for key in executors.keys.sorted() {
            let run = executors[key]!
            executors[key]!.stream = nil
            guard run.kind == .custom, let containerID = run.containerID, alive.contains(containerID) else { continue }
            switch run.phase {
            case .running, .launching:
                executors[key]!.phase = .launching(deadline: now + config.executorReregistrationTimeout)
            case .shuttingDown:
                executors[key]!.phase = .shuttingDown(deadline: now + config.executorShutdownGracePeriod)
            case .terminated: break
            }
        }
    }

    /// What differs between the checkpointed agent and this one, if anything.
    static func difference(_ old: Mesos.AgentInfo, _ new: Mesos.AgentInfo) -> String? {
        if old.hostname != new.hostname { return "hostname \(old.hostname), not \(new.hostname)" }
        if old.port != new.port {
            return "port \(old.port.map(String.init) ?? "none"), not \(new.port.map(String.init) ?? "none")"
        }
        if Set(old.resources) != Set(new.resources) { return "other resources (\(old.resources.count) entries)" }
        if Set(old.attributes) != Set(new.attributes) { return "other attributes" }
        return nil
    }
}
