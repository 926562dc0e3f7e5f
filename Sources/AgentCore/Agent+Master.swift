import ClusterProtocol

/// Registration with the leading master, and what the master sends on the stream.
extension Agent {
    /// The REGISTER call the edge opens the stream with: who the agent is and, once it has
    /// an id, everything it runs, so a master that has never seen it learns its tasks. Not
    /// the executors a SHUTDOWN_FRAMEWORK silenced, still ending: the master let their tasks
    /// go, and would take them for strays and shut their framework down again, with the
    /// tasks it launched there since.
    public var registration: AgentCall.Register {
        var info = config.agentInfo
        info.id = agentID
        var executorList: [AgentCall.Executor] = []
        var tasks: [Mesos.Task] = []
        for key in executors.keys.sorted() where !silencedExecutors.contains(key) {
            let run = executors[key]!
            if run.kind != .command {
                executorList.append(AgentCall.Executor(frameworkID: key.framework, executorInfo: run.info))
            }
            for taskID in run.tasks.keys.sorted() {
                tasks.append(masterView(run.tasks[taskID]!, in: run))
            }
        }
        let frameworkList = frameworks.keys.sorted().map { frameworks[$0]! }
        return AgentCall.Register(agentInfo: info, frameworks: frameworkList, executors: executorList, tasks: tasks)
    }

    /// A task as the master records it: its latest state, and the state of its oldest
    /// update not yet acknowledged (Mesos' `status_update_state`), which its framework hears
    /// next: a master answers for the task with that, so the framework never hears a state
    /// after one that follows it.
    public func masterView(_ task: TaskRun, in run: ExecutorRun) -> Mesos.Task {
        var view = Mesos.Task(
            name: task.info.name, taskID: task.info.taskID, frameworkID: run.frameworkID,
            agentID: agentID ?? Mesos.AgentID(value: ""), state: task.state, resources: task.info.resources)
        view.executorID = run.kind == .command ? nil : run.info.executorID
        view.labels = task.info.labels
        let pending = updates.oldestPending(TaskKey(framework: run.frameworkID, task: task.info.taskID))
        view.statusUpdateState = pending?.state
        view.statusUpdateUuid = pending?.uuid
        return view
    }

    mutating func onMasterConnected() {
        connection = .connecting
        lastHeardAt = now
    }

    mutating func onMasterDisconnected() {
        guard connection != .disconnected else { return }
        connection = .disconnected
        log("Lost the master's stream; registering again")
    }

    mutating func onMasterEvent(_ event: AgentEvent) {
        lastHeardAt = now
        switch event.type {
        case .registered:
            guard let registered = event.registered else { return }
            onRegistered(registered)
        case .runTask where isLeaving, .runTaskGroup where isLeaving:
            // Mesos' terminating agent ignores new tasks too: the master reports them lost
            // when it removes the agent.
            log("Ignoring \(event.type.rawValue): this agent is leaving the cluster")
        case .runTask:
            guard let run = event.runTask, let id = run.frameworkInfo.id else {
                log("Ignoring a RUN_TASK without a framework id")
                return
            }
            frameworks[id] = run.frameworkInfo
            for task in run.tasks { runTask(task, framework: run.frameworkInfo) }
        case .runTaskGroup:
            guard let run = event.runTaskGroup, let id = run.frameworkInfo.id else {
                log("Ignoring a RUN_TASK_GROUP without a framework id")
                return
            }
            frameworks[id] = run.frameworkInfo
            runTaskGroup(run.taskGroup, executor: run.executor, framework: run.frameworkInfo)
        case .killTask:
            guard let kill = event.killTask else { return }
            killTask(TaskKey(framework: kill.frameworkID, task: kill.taskID), policy: kill.killPolicy)
        case .acknowledge:
            guard let ack = event.acknowledge else { return }
            onAcknowledge(ack)
        case .shutdownFramework:
            guard let shutdown = event.shutdownFramework else { return }
            shutdownFramework(shutdown.frameworkID)
        case .shutdownExecutor:
            guard let shutdown = event.shutdownExecutor else { return }
            shutdownExecutor(ExecutorKey(framework: shutdown.frameworkID, executor: shutdown.executorID))
        case .message:
            guard let message = event.message else { return }
            forwardToExecutor(message)
        case .ping:
            emit(.sendToMaster(AgentCall(type: .pong, agentID: agentID)))
        case .error:
            log("The master refused this agent: \(event.error?.message ?? "no reason given")")
        case .drain:
            drain(maxGracePeriod: event.drain?.maxGracePeriod.map { $0.nanoseconds / 1_000_000 })
        case .shutdown:
            shutdownForGood()
        }
    }

    private mutating func onRegistered(_ registered: AgentEvent.Registered) {
        if let known = agentID, known != registered.agentID {
            log("The master gave id \(registered.agentID), but this agent is \(known); keeping both in the log")
        }
        agentID = registered.agentID
        masterInfo = registered.masterInfo
        pingInterval = max(1, Int64(registered.pingIntervalSeconds * 1000))
        connection = .registered
        draining = false
        log("Registered with master \(registered.masterInfo.id) as agent \(registered.agentID)")
        for update in updates.due(now: now, force: true) {
            emit(.sendToMaster(AgentCall(type: .update, agentID: agentID, update: update)))
        }
        for reconciliation in registered.reconciliations {
            reconcile(reconciliation)
        }
    }

    /// Tasks the master expects here: each one this agent does not know is reported lost
    /// (dropped, to a partition-aware framework) through the status update manager, so
    /// that the master and the framework let it go once acknowledged.
    private mutating func reconcile(_ reconciliation: AgentEvent.Reconciliation) {
        guard let frameworkID = reconciliation.frameworkInfo.id else { return }
        let partitionAware = reconciliation.frameworkInfo.capabilities.contains { $0.type == .partitionAware }
        for taskID in reconciliation.taskIDs {
            let key = TaskKey(framework: frameworkID, task: taskID)
            guard taskExecutors[key] == nil, updates.pendingCount(key) == 0 else { continue }
            log(
                "Reporting task \(taskID) of framework \(frameworkID) lost: the master expects it, this agent never ran it"
            )
            report(
                key, state: partitionAware ? .dropped : .lost, source: .agent, reason: .reconciliation,
                message: "Reconciliation: task unknown to the agent")
        }
    }

    private mutating func onAcknowledge(_ ack: AgentEvent.Acknowledge) {
        let key = TaskKey(framework: ack.frameworkID, task: ack.taskID)
        let (matched, next) = updates.acknowledge(key, uuid: ack.uuid, now: now, online: connection == .registered)
        if let next { emit(.sendToMaster(AgentCall(type: .update, agentID: agentID, update: next))) }
        guard matched, updates.pendingCount(key) == 0 else { return }
        removeTaskIfDone(key)
    }

    private mutating func forwardToExecutor(_ message: AgentEvent.Message) {
        let key = ExecutorKey(framework: message.frameworkID, executor: message.executorID)
        guard let stream = executors[key]?.stream else {
            log("Dropping a message for executor \(message.executorID): it is not subscribed")
            return
        }
        emit(.sendToExecutor(stream, Mesos.ExecutorEvent(type: .message, message: .init(data: message.data))))
    }

    /// Sends a status update for a task through the status update manager.
    mutating func report(
        _ key: TaskKey, state: Mesos.TaskState, source: Mesos.TaskStatus.Source, reason: Mesos.TaskStatus.Reason? = nil,
        message: String? = nil
    ) {
        var status = Mesos.TaskStatus(taskID: key.task, state: state)
        status.source = source
        status.reason = reason
        status.message = message
        status.timestamp = timestamp
        status.uuid = Mesos.Bytes(uniqueBytes())
        record(status, for: key)
    }

    /// Records an update (the agent's own or an executor's) and queues it for the master.
    mutating func record(_ status: Mesos.TaskStatus, for key: TaskKey) {
        var status = status
        status.agentID = agentID
        let executor = executorKey(of: key)
        if let executor {
            executors[executor]!.tasks[key.task]?.state = status.state
            if executors[executor]!.kind != .command { status.executorID = executor.executor }
        }
        guard !(executor.map(silencedExecutors.contains) ?? false) else { return }
        if draining, status.state == .killed { status.reason = .agentDraining }
        if let call = updates.add(status, for: key, now: now, online: connection == .registered) {
            emit(.sendToMaster(AgentCall(type: .update, agentID: agentID, update: call)))
        }
    }

    func executorKey(of task: TaskKey) -> ExecutorKey? {
        guard let key = taskExecutors[task], executors[key]?.tasks[task.task] != nil else { return nil }
        return key
    }

    /// A terminal task whose updates are all acknowledged is forgotten; an executor with
    /// nothing left goes too once its process has ended.
    mutating func removeTaskIfDone(_ key: TaskKey) {
        guard let executor = executorKey(of: key), let task = executors[executor]!.tasks[key.task],
            task.state.isTerminal, updates.pendingCount(key) == 0
        else { return }
        executors[executor]!.tasks[key.task] = nil
        endedTasks[executor, default: []].append(task)
        if endedTasks[executor]!.count > Self.endedTasksMax { endedTasks[executor]!.removeFirst() }
        taskExecutors[key] = nil
        removeExecutorIfDone(executor)
    }

    mutating func removeExecutorIfDone(_ key: ExecutorKey) {
        guard var run = executors[key], run.phase == .terminated, run.tasks.isEmpty else { return }
        executors[key] = nil
        for task in endedTasks.removeValue(forKey: key) ?? [] { run.tasks[task.info.taskID] = task }
        run.stream = nil
        completedExecutors.append(run)
        if completedExecutors.count > Self.completedExecutorsMax { completedExecutors.removeFirst() }
        silencedExecutors.remove(key)
        if !executors.keys.contains(where: { $0.framework == key.framework }) { frameworks[key.framework] = nil }
    }
}
