import AgentCore
import ClusterCore
import ClusterProtocol
import MasterCore

/// What must hold after every event, and once the quiet phase is over.
extension ManagerSimulation {
    /// No agent committed beyond its total; its outstanding offers and the resources its
    /// tasks use are disjoint and add up to what the allocator holds on it.
    func checkBooks() throws {
        let allocator = master.allocator
        for id in allocator.agentOrder {
            let agent = allocator.agents[id]!
            guard agent.total.contains(agent.allocated) else {
                throw violation("agent \(id) committed beyond its total: \(agent.allocated) of \(agent.total)")
            }
            let pieces =
                allocator.offers.values.filter { $0.agent == id }.map(\.resources)
                + allocator.used.filter { $0.key.agent == id }.map(\.value)
            guard Self.measure(pieces) == Self.measure([agent.allocated]) else {
                throw violation("agent \(id): offers and uses \(pieces) do not add up to \(agent.allocated)")
            }
        }
    }

    /// Everything settled: agents registered with nothing left to send, master and agents
    /// agree on every live task, each scheduler's last word on a task is its state, and
    /// each agent's resources in use are its live tasks'.
    func checkSettled() throws {
        var running: [TaskKey: (agent: Int, state: Mesos.TaskState)] = [:]
        for (index, side) in agents.enumerated() {
            guard side.core.connection == .registered, let agentID = side.core.agentID else {
                throw violation("agent \(index) is not registered after the quiet phase")
            }
            for (key, pending) in side.core.updates.all where !pending.isEmpty {
                throw violation("agent \(index) still waits for \(key.task.value) to be acknowledged: \(pending.count)")
            }
            for run in side.core.executors.values {
                for task in run.tasks.values {
                    running[TaskKey(framework: run.frameworkID, task: task.info.taskID)] = (index, task.state)
                }
            }
            try checkResourcesInUse(agentID, index)
        }
        try checkMasterAgrees(running)
        try checkSchedulersAgree(running)
        try checkNoStrayContainers()
    }

    private func checkMasterAgrees(_ running: [TaskKey: (agent: Int, state: Mesos.TaskState)]) throws {
        var known: Set<TaskKey> = []
        for framework in master.frameworks.values {
            for task in framework.tasks.values where !task.isTerminal {
                known.insert(task.key)
                guard let onAgent = running[task.key] else {
                    throw violation("the master has \(task.taskID.value) \(task.state.rawValue); no agent runs it")
                }
                guard onAgent.state == task.state else {
                    throw violation(
                        "\(task.taskID.value): the master says \(task.state.rawValue), agent \(onAgent.agent) \(onAgent.state.rawValue)"
                    )
                }
            }
        }
        for (key, onAgent) in running where !onAgent.state.isTerminal && !known.contains(key) {
            throw violation("agent \(onAgent.agent) runs \(key.task.value), which the master does not know live")
        }
    }

    private func checkSchedulersAgree(_ running: [TaskKey: (agent: Int, state: Mesos.TaskState)]) throws {
        for scheduler in schedulers where !scheduler.removed {
            guard let frameworkID = scheduler.frameworkID else { continue }
            for (taskID, heard) in scheduler.tasks.sorted(by: { $0.key < $1.key }) {
                let live = running[TaskKey(framework: frameworkID, task: taskID)]
                if let live, !live.state.isTerminal {
                    guard heard == live.state else {
                        throw violation(
                            "scheduler \(scheduler.index) heard \(taskID.value) \(heard.rawValue); it is \(live.state.rawValue)"
                        )
                    }
                } else if !heard.isTerminal && heard != .unknown {
                    // TASK_UNKNOWN is what a partition-aware framework hears of a task the
                    // master does not know (its ACCEPT was refused on a broken stream).
                    throw violation(
                        "scheduler \(scheduler.index) last heard \(taskID.value) \(heard.rawValue); it no longer runs")
                }
            }
        }
    }

    /// What the allocator books as in use on an agent is its live tasks' resources.
    private func checkResourcesInUse(_ agentID: Mesos.AgentID, _ index: Int) throws {
        let modelID = AgentID(agentID.value)
        let booked = master.allocator.used.filter { $0.key.agent == modelID }.map(\.value)
        var live: [Resources] = []
        for framework in master.frameworks.values {
            for task in framework.tasks.values where task.agentID == agentID && !task.isTerminal {
                live.append(task.resources)
            }
        }
        guard Self.measure(booked) == Self.measure(live) else {
            throw violation("agent \(index): the allocator books \(booked) in use, its live tasks hold \(live)")
        }
    }

    /// How much of each resource the pieces hold together, counted so that overlapping
    /// pieces add up to more than their union: scalar thousandths, range members, set items.
    static func measure(_ pieces: [Resources]) -> [ResourceKey: UInt128] {
        var sum: [ResourceKey: UInt128] = [:]
        for piece in pieces {
            for resource in piece.entries {
                let amount: UInt128
                switch resource.value {
                case .scalar(let scalar): amount = UInt128(scalar.thousandths)
                case .ranges(let ranges): amount = ranges.count
                case .set(let set): amount = UInt128(set.items.count)
                }
                sum[resource.key, default: 0] += amount
            }
        }
        return sum.filter { $0.value > 0 }
    }
}
