import ClusterCore
import ClusterProtocol

/// Tasks after launch: status updates from agents, acknowledgements, kills, reconciliation.
extension Master {
    /// An agent's status update (sent until acknowledged): the task's state moves, its
    /// resources come back once it is terminal, and the framework hears it.
    mutating func onStatusUpdate(_ update: AgentCall.Update, from agentID: Mesos.AgentID) {
        let status = update.status
        guard var framework = frameworks[update.frameworkID] else {
            log(
                "Dropping \(status.state.rawValue) of task \(status.taskID): framework \(update.frameworkID) is unknown"
            )
            return
        }
        if var task = framework.tasks[status.taskID] {
            task.statuses.append(status)
            if task.statuses.count > config.statusesPerTaskMax { task.statuses.removeFirst() }
            task.state = update.latestState ?? status.state
            task.unacknowledged = status.uuid == nil ? nil : status
            if task.isTerminal, !task.resourcesRecovered {
                recoverResources(of: task)
                task.resourcesRecovered = true
            }
            framework.tasks[status.taskID] = task
            frameworks[update.frameworkID] = framework
            emit(.publish(.taskUpdated(frameworkID: framework.id, status: status, state: task.state)))
        }
        if let stream = framework.stream {
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
        allocateSoon()
    }

    mutating func onAcknowledge(_ ack: Mesos.SchedulerCall.Acknowledge, from framework: FrameworkRecord)
        throws(CallRefusal)
    {
        guard ack.uuid.bytes.count == 16 else {
            throw CallRefusal(400, "'uuid' must be 16 bytes, not \(ack.uuid.bytes.count)")
        }
        if var task = frameworks[framework.id]?.tasks[ack.taskID], task.unacknowledged?.uuid == ack.uuid {
            let acknowledged = task.unacknowledged!
            task.unacknowledged = nil
            if acknowledged.state.isTerminal {
                agents[task.agentID]?.tasks.remove(task.key)
                frameworks[framework.id]!.complete(task, keeping: config.completedTasksPerFrameworkMax)
            } else {
                frameworks[framework.id]!.tasks[ack.taskID] = task
            }
        }
        guard let stream = agents[ack.agentID]?.stream else { return }
        let forward = AgentEvent.Acknowledge(frameworkID: framework.id, taskID: ack.taskID, uuid: ack.uuid)
        emit(.sendToAgent(stream, AgentEvent(type: .acknowledge, acknowledge: forward)))
    }

    mutating func onKill(_ kill: Mesos.SchedulerCall.Kill, from framework: FrameworkRecord) throws(CallRefusal) {
        guard let task = framework.tasks[kill.taskID] else {
            let query = Mesos.SchedulerCall.Reconcile.Task(taskID: kill.taskID, agentID: kill.agentID)
            onReconcile(Mesos.SchedulerCall.Reconcile(tasks: [query]), from: framework)
            return
        }
        guard !task.isTerminal, let stream = agents[task.agentID]?.stream else { return }
        let payload = AgentEvent.KillTask(
            frameworkID: framework.id, taskID: kill.taskID, killPolicy: kill.killPolicy ?? task.info.killPolicy)
        emit(.sendToAgent(stream, AgentEvent(type: .killTask, killTask: payload)))
    }

    /// RECONCILE: the latest state of each task named (all of the framework's tasks when
    /// none is named), with REASON_RECONCILIATION and no uuid, so nothing is acknowledged.
    /// A task the master does not know is TASK_LOST (TASK_GONE or TASK_UNKNOWN for
    /// partition-aware frameworks) as in Mesos' reconciliation rules.
    mutating func onReconcile(_ reconcile: Mesos.SchedulerCall.Reconcile, from framework: FrameworkRecord) {
        if reconcile.tasks.isEmpty {
            for task in framework.tasks.values.sorted(by: { $0.key < $1.key }) {
                sendMasterUpdate(
                    framework.id, taskID: task.taskID, agentID: task.agentID, state: task.state,
                    reason: .reconciliation, message: "Reconciliation: latest task state",
                    source: task.statuses.last?.source)
            }
            return
        }
        for query in reconcile.tasks {
            if let task = framework.tasks[query.taskID] {
                sendMasterUpdate(
                    framework.id, taskID: task.taskID, agentID: task.agentID, state: task.state,
                    reason: .reconciliation, message: "Reconciliation: latest task state",
                    source: task.statuses.last?.source)
                continue
            }
            let agentKnown = query.agentID.map { agents[$0] != nil } ?? false
            let state: Mesos.TaskState =
                framework.isPartitionAware ? (agentKnown ? .gone : .unknown) : .lost
            sendMasterUpdate(
                framework.id, taskID: query.taskID, agentID: query.agentID, state: state, reason: .reconciliation,
                message: agentKnown ? "Reconciliation: task is unknown to the agent" : "Reconciliation: task is unknown"
            )
        }
    }

    /// An update the master makes itself (TASK_ERROR, reconciliation): no uuid, nothing to
    /// acknowledge, never retried.
    mutating func sendMasterUpdate(
        _ frameworkID: Mesos.FrameworkID, taskID: Mesos.TaskID, agentID: Mesos.AgentID?, state: Mesos.TaskState,
        reason: Mesos.TaskStatus.Reason, message: String, source: Mesos.TaskStatus.Source? = nil
    ) {
        guard let stream = frameworks[frameworkID]?.stream else { return }
        var status = Mesos.TaskStatus(taskID: taskID, state: state)
        status.source = reason == .reconciliation ? .master : (source ?? .master)
        status.reason = reason
        status.message = message
        status.agentID = agentID
        status.timestamp = timestamp
        emit(.sendToFramework(stream, .update(status)))
    }
}
