import ClusterCore
import ClusterProtocol

/// Tasks after launch: status updates from agents, acknowledgements, kills, reconciliation.
extension Master {
    /// An agent's status update (sent until acknowledged): the task's state moves, its
    /// resources come back once it is terminal, and the framework hears it.
    mutating func onStatusUpdate(_ update: AgentCall.Update, from agentID: Mesos.AgentID) {
        let status = update.status
        let frameworkID = update.frameworkID
        guard frameworks[frameworkID] != nil else {
            log("Dropping \(status.state.rawValue) of task \(status.taskID): framework \(frameworkID) is unknown")
            return
        }
        // Taken out, changed and put back, so that no copy of the framework's task table
        // is ever made (a held copy would make the write copy all of it).
        if var task = frameworks[frameworkID]!.tasks.removeValue(forKey: status.taskID) {
            task.record(status, keeping: config.statusesPerTaskMax)
            task.state = update.latestState ?? status.state
            task.unacknowledged = status.uuid == nil ? nil : status
            if status.uuid != nil { task.statusUpdateState = status.state }
            if task.isTerminal, !task.resourcesRecovered {
                recoverResources(of: task)
                task.resourcesRecovered = true
            }
            frameworks[frameworkID]!.tasks[status.taskID] = task
            emit(.publish(.taskUpdated(frameworkID: frameworkID, status: status, state: task.state)))
        }
        if let stream = frameworks[frameworkID]!.stream {
            emit(.sendToFramework(stream, .update(status)))
        }
    }

    /// A task's resources go back to the allocator.
    mutating func recoverResources(of task: TaskRecord) {
        let key = AllocationKey(
            framework: FrameworkID(task.frameworkID.value), role: task.role, agent: AgentID(task.agentID.value))
        do {
            try allocator.recover(task.resources, from: key)
        } catch {
            preconditionFailure("task \(task.taskID) of \(task.frameworkID): \(error)")
        }
        allocateSoon(on: task.agentID)
    }

    mutating func onAcknowledge(_ ack: Mesos.SchedulerCall.Acknowledge, from framework: Caller) throws(CallRefusal) {
        guard ack.uuid.bytes.count == 16 else {
            throw CallRefusal(400, "'uuid' must be 16 bytes, not \(ack.uuid.bytes.count)")
        }
        if let acknowledged = frameworks[framework.id]?.tasks[ack.taskID]?.unacknowledged, acknowledged.uuid == ack.uuid
        {
            frameworks[framework.id]!.tasks[ack.taskID]!.unacknowledged = nil
            if acknowledged.state.isTerminal, let task = frameworks[framework.id]!.tasks.removeValue(forKey: ack.taskID)
            {
                agents[task.agentID]?.tasks.remove(task.key)
                frameworks[framework.id]!.complete(task, keeping: config.completedTasksPerFrameworkMax)
            }
        }
        guard let stream = agents[ack.agentID]?.stream else { return }
        let forward = AgentEvent.Acknowledge(frameworkID: framework.id, taskID: ack.taskID, uuid: ack.uuid)
        emit(.sendToAgent(stream, AgentEvent(type: .acknowledge, acknowledge: forward)))
    }

    mutating func onKill(_ kill: Mesos.SchedulerCall.Kill, from framework: Caller) throws(CallRefusal) {
        guard let task = frameworks[framework.id]?.tasks[kill.taskID] else {
            let query = Mesos.SchedulerCall.Reconcile.Task(taskID: kill.taskID, agentID: kill.agentID)
            onReconcile(Mesos.SchedulerCall.Reconcile(tasks: [query]), from: framework)
            return
        }
        guard !task.isTerminal, let stream = agents[task.agentID]?.stream else { return }
        let payload = AgentEvent.KillTask(
            frameworkID: framework.id, taskID: kill.taskID, killPolicy: kill.killPolicy ?? task.info.killPolicy)
        emit(.sendToAgent(stream, AgentEvent(type: .killTask, killTask: payload)))
    }

    /// RECONCILE: the state of each task named (all of the framework's tasks when none is
    /// named) as the framework's updates have told it — the latest update forwarded, not the
    /// agent's latest state, which may run ahead (Mesos' rule) — with REASON_RECONCILIATION
    /// and no uuid, so nothing is acknowledged.
    /// A task the master does not know is answered as `unknownTaskState` says.
    mutating func onReconcile(_ reconcile: Mesos.SchedulerCall.Reconcile, from framework: Caller) {
        let tasks = frameworks[framework.id]?.tasks ?? [:]
        if reconcile.tasks.isEmpty {
            for task in tasks.values.sorted(by: { $0.key < $1.key }) {
                sendMasterUpdate(
                    framework.id, taskID: task.taskID, agentID: task.agentID, state: task.reconciledState,
                    reason: .reconciliation, message: "Reconciliation: latest task state")
            }
            return
        }
        // Whether an agent of the registry may still come back, computed once per call.
        let recovering =
            reconcile.tasks.contains { $0.agentID == nil }
            && registry.agents.contains { $0.value.state == .admitted && agents[$0.key] == nil }
        for query in reconcile.tasks {
            if let task = tasks[query.taskID] {
                sendMasterUpdate(
                    framework.id, taskID: task.taskID, agentID: task.agentID, state: task.reconciledState,
                    reason: .reconciliation, message: "Reconciliation: latest task state")
                continue
            }
            if let task = frameworks[framework.id]?.unreachableTasks[query.taskID] {
                var status = masterStatus(
                    taskID: task.taskID, agentID: task.agentID, state: .unreachable, reason: .reconciliation,
                    message: "Reconciliation: agent is unreachable")
                status.unreachableTime = task.statuses.last?.unreachableTime
                if let stream = frameworks[framework.id]?.stream { emit(.sendToFramework(stream, .update(status))) }
                continue
            }
            guard let (state, message) = unknownTaskState(on: query.agentID, recovering: recovering) else { continue }
            sendMasterUpdate(
                framework.id, taskID: query.taskID, agentID: query.agentID,
                state: framework.isPartitionAware ? state : .lost, reason: .reconciliation, message: message)
        }
    }

    /// What a framework hears of a task the master does not know, by where its agent
    /// stands (Mesos' rules): nothing while the agent may still come back with it (in the
    /// registry, not yet registered again; without an agent id, while any such agent is
    /// left), TASK_GONE on a registered agent, TASK_UNREACHABLE or TASK_GONE_BY_OPERATOR as
    /// the registry marks the agent, TASK_UNKNOWN otherwise. Frameworks that are not
    /// partition-aware hear TASK_LOST instead.
    func unknownTaskState(on agentID: Mesos.AgentID?, recovering: Bool) -> (Mesos.TaskState, String)? {
        guard let agentID else { return recovering ? nil : (.unknown, "Reconciliation: task is unknown") }
        if agents[agentID] != nil { return (.gone, "Reconciliation: task is unknown to the agent") }
        switch registry.agents[agentID]?.state {
        case .admitted: return nil
        case .unreachable: return (.unreachable, "Reconciliation: agent is unreachable")
        case .gone: return (.goneByOperator, "Reconciliation: agent is gone")
        case nil: return (.unknown, "Reconciliation: task is unknown")
        }
    }

    /// An update the master makes itself (TASK_ERROR, reconciliation): no uuid, nothing to
    /// acknowledge, never retried.
    mutating func sendMasterUpdate(
        _ frameworkID: Mesos.FrameworkID, taskID: Mesos.TaskID, agentID: Mesos.AgentID?, state: Mesos.TaskState,
        reason: Mesos.TaskStatus.Reason, message: String
    ) {
        guard let stream = frameworks[frameworkID]?.stream else { return }
        let status = masterStatus(taskID: taskID, agentID: agentID, state: state, reason: reason, message: message)
        emit(.sendToFramework(stream, .update(status)))
    }

    /// A status the master writes itself: source master, no uuid, stamped now.
    func masterStatus(
        taskID: Mesos.TaskID, agentID: Mesos.AgentID?, state: Mesos.TaskState, reason: Mesos.TaskStatus.Reason,
        message: String
    ) -> Mesos.TaskStatus {
        var status = Mesos.TaskStatus(taskID: taskID, state: state)
        status.source = .master
        status.reason = reason
        status.message = message
        status.agentID = agentID
        status.timestamp = timestamp
        return status
    }
}
