import AgentCore
import AgentStorage
import ClusterProtocol

/// Agents that crash and start again on their work dirs: the checkpoint written through a
/// simulated disk, a killed process, a power failure in the middle of a write.
extension ManagerSimulation {
    static func agentConfig(_ info: Mesos.AgentInfo, index: Int, incarnation: Int, boot: Int) -> AgentConfig {
        var seed = [UInt8](repeating: 0, count: 16)
        seed[0] = UInt8(index)
        seed[1] = UInt8(truncatingIfNeeded: incarnation)
        seed[2] = UInt8(truncatingIfNeeded: incarnation >> 8)
        var config = AgentConfig(agentInfo: info, workDir: "/agent", endpoint: "agent-\(index)", uniqueSeed: seed)
        config.bootID = "boot-\(boot)"
        return config
    }

    /// Writes the checkpoint as the edge does; false if the power failed meanwhile (the
    /// agent is down, and the step's other actions never happen).
    mutating func writeCheckpoint(_ checkpoint: AgentCheckpoint, agent index: Int) throws -> Bool {
        do {
            try agents[index].store.write(checkpoint)
            return true
        } catch is SimulatedFileSystem.Crashed {
            powerFails(index)
            return false
        } catch {
            throw violation("agent \(index) could not write its checkpoint: \(error)")
        }
    }

    /// A fault: the agent's process is killed after a few more of its actions (anywhere in
    /// a step: between the checkpoint and what follows it, say), or the power fails during
    /// its next checkpoint write (at one of the write's operations, chosen here).
    mutating func crashAgent(_ index: Int) {
        guard !agents[index].down, !agents[index].powerFailurePlanned, agents[index].killAfterActions == nil else {
            return
        }
        if random.chance(0.5) {
            let count = random.below(4)
            note("agent \(index)'s process is killed after \(count) more actions")
            agents[index].killAfterActions = count
        } else {
            note("agent \(index)'s power fails during its next checkpoint write")
            agents[index].powerFailurePlanned = true
            let fileSystem = agents[index].fileSystem
            fileSystem.crash(atOperation: fileSystem.operationCount + random.below(7))
        }
    }

    /// No crash is left planned once the faults stop.
    mutating func cancelPlannedCrashes() {
        for index in agents.indices {
            agents[index].killAfterActions = nil
            if agents[index].powerFailurePlanned {
                agents[index].powerFailurePlanned = false
                agents[index].fileSystem.clearFaults()
            }
        }
    }

    /// Counts an action down to a planned kill; true if the process dies before it.
    mutating func killedBeforeAction(_ index: Int) -> Bool {
        guard let left = agents[index].killAfterActions else { return false }
        guard left == 0 else {
            agents[index].killAfterActions = left - 1
            return false
        }
        agents[index].killAfterActions = nil
        note("agent \(index)'s process is killed")
        goDown(index)
        return true
    }

    /// The machine loses power: the disk keeps what was synced and a random part of the
    /// rest, and every container dies with it.
    private mutating func powerFails(_ index: Int) {
        note("agent \(index): the power fails in the middle of a checkpoint write")
        agents[index].powerFailurePlanned = false
        agents[index].fileSystem.reboot(random: &random)
        agents[index].boots += 1
        for id in agents[index].containers.keys { agents[index].containers[id] = .exited }
        goDown(index)
    }

    /// The process is gone: the master hears its connection close; it restarts later.
    private mutating func goDown(_ index: Int) {
        cutAgentStream(index)
        agents[index].stream = nil
        agents[index].down = true
        agents[index].tickAt = nil
        queue.schedule(.agentRestarts(index), at: now + Int64(random.between(100, settings.restartDelayMax)))
    }

    /// Starts again on its work dir: from the checkpoint if there is one, taking back the
    /// containers whose processes still run; what is left of the others is killed, as
    /// `AgentRecovery` does.
    mutating func agentRestarts(_ index: Int) throws {
        agents[index].down = false
        agents[index].incarnation += 1
        agents[index].store = CheckpointStore(fileSystem: agents[index].fileSystem, workDir: "/agent")
        let config = Self.agentConfig(
            agents[index].core.config.agentInfo, index: index, incarnation: agents[index].incarnation,
            boot: agents[index].boots)
        let checkpoint: AgentCheckpoint?
        do {
            checkpoint = try agents[index].store.read()
        } catch {
            throw violation("agent \(index) cannot read its checkpoint after a restart: \(error)")
        }
        guard let checkpoint else {
            note("agent \(index) starts again as a new agent: no checkpoint")
            for id in agents[index].containers.keys { agents[index].containers[id] = .exited }
            agents[index].core = Agent(config: config, now: now)
            queue.schedule(.agentRegisters(index), at: now + 1)
            return
        }
        var alive: Set<Mesos.ContainerID> = []
        for container in checkpoint.containers
        where container.recover && container.process != nil && checkpoint.bootID == config.bootID
            && agents[index].containers[container.containerID] == .running
        {
            alive.insert(container.containerID)
        }
        for id in agents[index].containers.keys where !alive.contains(id) { agents[index].containers[id] = .exited }
        let recovered: (Agent, AgentStep)
        do {
            recovered = try Agent.recover(from: checkpoint, alive: alive, config: config, now: now)
        } catch {
            throw violation("agent \(index) refuses its own checkpoint: \(error)")
        }
        note("agent \(index) starts again from its checkpoint: \(alive.count) containers still run")
        agents[index].core = recovered.0
        try performAgent(recovered.1.actions, agent: index)
        queue.schedule(.agentRegisters(index), at: now + 1)
    }

    /// After the quiet phase: every container still running is one its agent knows, as a
    /// live task's (no process is left behind by a restart, none runs a task twice).
    func checkNoStrayContainers() throws {
        for (index, side) in agents.enumerated() {
            var known: [Mesos.ContainerID: Mesos.TaskID] = [:]
            for run in side.core.executors.values {
                for task in run.tasks.values where !task.state.isTerminal {
                    if let id = task.containerID { known[id] = task.info.taskID }
                }
            }
            for (id, phase) in side.containers where phase != .exited && known[id] == nil {
                throw violation("agent \(index): container \(id.value) runs, but no live task of the agent has it")
            }
        }
    }
}
