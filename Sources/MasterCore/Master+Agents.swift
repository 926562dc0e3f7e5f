import ClusterCore
import ClusterProtocol

/// Agents register (or register again, after their connection broke or a new master
/// took over), report status updates and executors that ended, and disconnect.
extension Master {
    mutating func onAgentRegister(_ register: AgentCall.Register, stream: StreamID) -> MasterReply {
        guard register.version == AgentProtocolVersion.current else {
            return .rejected(
                status: 400,
                message:
                    "Agent protocol version \(register.version) is not \(AgentProtocolVersion.current); run agents and masters of one release"
            )
        }
        let total: Resources
        do {
            total = try Resources(register.agentInfo.resources)
        } catch {
            return .rejected(status: 400, message: "Invalid agent resources: \(error)")
        }
        if let id = register.agentInfo.id, markingUnreachable.contains(id) {
            return .rejected(status: 503, message: "Agent \(id) is being marked unreachable; try again")
        }
        if let id = register.agentInfo.id, agents[id] != nil {
            return reconnect(id, register: register, total: total, stream: stream)
        }
        if let id = register.agentInfo.id, removedAgents.contains(id) {
            return .rejected(
                status: 403,
                message:
                    "Agent \(id) was removed from the cluster; an agent registers again only as a new agent, without its old id"
            )
        }
        guard agents.count < config.agentsMax else {
            return .rejected(status: 503, message: "This master holds \(config.agentsMax) agents, its maximum")
        }
        var info = register.agentInfo
        if info.id == nil {
            info.id = Mesos.AgentID(value: agentID(nextAgentNumber))
            nextAgentNumber += 1
        }
        let id = info.id!
        guard pendingAdmissions[id] == nil else {
            return .rejected(status: 503, message: "Agent \(id) is being admitted on another stream; try again")
        }
        let pending = PendingAdmission(register: register, info: info, total: total, stream: stream)
        switch registry.agents[id]?.state {
        case .gone:
            return .rejected(status: 403, message: "Agent \(id) was marked gone; it may not register again")
        case .admitted: admit(pending)
        case .unreachable:
            // Taken back at once, its unaware frameworks shut down, and then written
            // reachable: a master elected before the write lands finds it unreachable still
            // and shuts them down again. Written first (as Mesos does), a return whose
            // stream ended, or whose master failed, before the admission left the agent
            // admitted with tasks their frameworks were told are lost (cluster simulation,
            // seed 257; review).
            var returning = pending
            returning.wasUnreachable = true
            admit(returning)
            writeRegistry([.markReachable(info)])
        case nil: writeRegistry([.admitAgent(info)], admitting: pending)
        }
        return .streaming
    }

    /// An agent whose place in the registry is written: it is added to the allocator with
    /// the tasks it reported, and told REGISTERED.
    mutating func admit(_ pending: PendingAdmission) {
        let (info, total, stream) = (pending.info, pending.total, pending.stream)
        let id = info.id!
        var register = pending.register
        let unaware = pending.wasUnreachable ? dropUnawareFrameworks(&register) : []
        var used: [AllocationKey: Resources] = [:]
        for task in register.tasks where !task.state.isTerminal {
            guard let resources = try? Resources(task.resources) else { continue }
            let role = task.resources.first?.allocationInfo?.role ?? "*"
            used[
                AllocationKey(framework: FrameworkID(task.frameworkID.value), role: role, agent: AgentID(id.value)),
                default: Resources()
            ].add(resources)
        }
        do {
            try allocator.addAgent(AgentID(id.value), total: total, used: used)
        } catch {
            log("Agent \(id) cannot be added: \(error)")
            emit(.closeAgentStream(stream))
            return
        }
        agents[id] = AgentRecord(
            info: info, total: total, stream: stream, registeredAt: now, nextPingAt: now + config.agentPingInterval,
            lastHeardAt: now, version: register.version)
        agentStreams[stream] = id
        adoptTasks(register, on: id)
        if pending.wasUnreachable { announceReturn(of: register.tasks, on: id) }
        log(
            "Agent \(id) (\(info.hostname)) registered with \(total)\(register.tasks.isEmpty ? "" : ", \(register.tasks.count) tasks")"
        )
        shutDownFrameworks(
            unaware, on: id, stream: stream,
            because: "its tasks there were reported lost while the agent was unreachable")
        sendRegistered(id, stream: stream)
        applyMaintenance(to: id)
        emit(.publish(.agentAdded(operatorAgent(agents[id]!))))
        allocateSoon(on: id)
    }

    /// An agent that comes back from unreachable: the tasks of frameworks that are not
    /// partition-aware were (or may have been) reported lost, so, as Mesos does, those
    /// frameworks are shut down on the agent (returned, to be told after REGISTERED) and
    /// their tasks are not taken back; a partition-aware framework's tasks go on.
    private func dropUnawareFrameworks(_ register: inout AgentCall.Register) -> [Mesos.FrameworkID] {
        let infos = Dictionary(register.frameworks.compactMap { info in info.id.map { ($0, info) } }) { first, _ in
            first
        }
        func isPartitionAware(_ id: Mesos.FrameworkID) -> Bool {
            if let record = frameworks[id] { return record.isPartitionAware }
            return infos[id]?.capabilities.contains { $0.type == .partitionAware } ?? false
        }
        let unaware = Set(register.tasks.map(\.frameworkID).filter { !isPartitionAware($0) })
        register.tasks.removeAll { unaware.contains($0.frameworkID) }
        register.executors.removeAll { unaware.contains($0.frameworkID) }
        return unaware.sorted()
    }

    /// The tasks of an agent back from unreachable leave their frameworks' unreachable
    /// tasks, and each one reported is announced again (Mesos' update with
    /// REASON_AGENT_REREGISTERED), so a partition-aware framework learns it runs: with the
    /// state of its oldest unacknowledged update if it has one, which the agent sends again
    /// next (Mesos announces the latest state, and a framework may then hear TASK_RUNNING
    /// after TASK_FINISHED), else its latest.
    private mutating func announceReturn(of reported: [Mesos.Task], on id: Mesos.AgentID) {
        for frameworkID in frameworks.keys.sorted() {
            let returning = frameworks[frameworkID]!.unreachableTasks.values.filter { $0.agentID == id }
            for task in returning { frameworks[frameworkID]!.unreachableTasks.removeValue(forKey: task.taskID) }
        }
        for task in reported {
            sendMasterUpdate(
                task.frameworkID, taskID: task.taskID, agentID: id, state: task.statusUpdateState ?? task.state,
                reason: .agentReregistered, message: "Unreachable agent registered again")
        }
    }

    /// An agent this master knows comes back on a new stream.
    private mutating func reconnect(
        _ id: Mesos.AgentID, register: AgentCall.Register, total: Resources, stream: StreamID
    ) -> MasterReply {
        var agent = agents[id]!
        if let old = agent.stream, old != stream {
            emit(.closeAgentStream(old))
            agentStreams[old] = nil
        }
        if total != agent.total {
            if let rescinded = try? allocator.updateAgent(agent.modelID, total: total) {
                rescind(rescinded)
                agent.total = total
            }
        }
        agent.stream = stream
        agent.reregisteredAt = now
        agent.nextPingAt = now + config.agentPingInterval
        agent.lastHeardAt = now
        agents[id] = agent
        agentStreams[stream] = id
        try? allocator.activateAgent(agent.modelID)
        log("Agent \(id) (\(agent.info.hostname)) registered again")
        shutDownFrameworks(
            strayFrameworks(on: id, reported: register.tasks), on: id, stream: stream,
            because: "the agent runs tasks of it that this master does not hold (its frameworks were told they ended)")
        sendRegistered(id, stream: stream, reconciliations: missingTasks(on: id, reported: register.tasks))
        applyMaintenance(to: id)
        allocateSoon(on: id)
        return .streaming
    }

    /// SHUTDOWN_FRAMEWORK for each of `frameworks`, sent before REGISTERED: the agent drops
    /// their tasks' unacknowledged updates before it sends its waiting updates again, so
    /// their frameworks hear nothing more of them.
    private mutating func shutDownFrameworks(
        _ frameworks: [Mesos.FrameworkID], on id: Mesos.AgentID, stream: StreamID, because reason: String
    ) {
        for framework in frameworks {
            log("Shutting down framework \(framework) on agent \(id): \(reason)")
            emit(
                .sendToAgent(
                    stream, AgentEvent(type: .shutdownFramework, shutdownFramework: .init(frameworkID: framework))))
        }
    }

    /// Frameworks gone, or not partition-aware, of which a known agent reports tasks this
    /// master does not hold there, whose next update would say they run. The master once
    /// held them and let them go: their frameworks were told they were lost when the agent
    /// was unreachable, and the agent's SHUTDOWN_FRAMEWORK was lost with it (its power
    /// failed before the shutdown reached its checkpoint), or their frameworks were removed
    /// meanwhile. Mesos assumes an agent
    /// never has tasks its master does not know, and forwards their updates (found by the
    /// cluster simulation, seed 520: a framework heard TASK_RUNNING after TASK_LOST).
    private func strayFrameworks(on id: Mesos.AgentID, reported: [Mesos.Task]) -> [Mesos.FrameworkID] {
        let held = agents[id]!.tasks
        let stray = reported.filter { task in
            !(task.statusUpdateState ?? task.state).isTerminal
                && !held.contains(TaskKey(framework: task.frameworkID, task: task.taskID))
                && frameworks[task.frameworkID]?.isPartitionAware != true
        }
        return Set(stray.map(\.frameworkID)).sorted()
    }

    private mutating func sendRegistered(
        _ id: Mesos.AgentID, stream: StreamID, reconciliations: [AgentEvent.Reconciliation] = []
    ) {
        let registered = AgentEvent.Registered(
            agentID: id, masterInfo: config.masterInfo, pingIntervalSeconds: Double(config.agentPingInterval) / 1000,
            reconciliations: reconciliations)
        emit(.sendToAgent(stream, AgentEvent(type: .registered, registered: registered)))
    }

    /// The tasks this master holds on the agent that it did not report, by framework (Mesos'
    /// `reconcileKnownSlave`): their RUN_TASK was lost with a stream, or the agent restarted
    /// without them (their framework does not checkpoint). The agent answers for each with a
    /// terminal update. Terminal tasks whose last update the framework has not acknowledged
    /// count too: that update died with the agent, and without another the framework would
    /// go on hearing the state before it (found by the cluster simulation, seed 86).
    private mutating func missingTasks(on id: Mesos.AgentID, reported: [Mesos.Task]) -> [AgentEvent.Reconciliation] {
        let known = Set(reported.map { TaskKey(framework: $0.frameworkID, task: $0.taskID) })
        var missing: [Mesos.FrameworkID: [Mesos.TaskID]] = [:]
        for key in agents[id]!.tasks.sorted() where !known.contains(key) {
            guard frameworks[key.framework]?.tasks[key.task] != nil else { continue }
            log("Task \(key.task) of framework \(key.framework) unknown to agent \(id) as it registers again")
            missing[key.framework, default: []].append(key.task)
        }
        return missing.keys.sorted().map {
            AgentEvent.Reconciliation(frameworkInfo: frameworks[$0]!.info, taskIDs: missing[$0]!)
        }
    }

    /// The tasks and executors an agent brings when it registers with a master that did
    /// not know it: frameworks not yet subscribed are recorded as disconnected, to be
    /// removed after their failover timeout unless they subscribe again.
    private mutating func adoptTasks(_ register: AgentCall.Register, on agentID: Mesos.AgentID) {
        let infos = Dictionary(register.frameworks.compactMap { info in info.id.map { ($0, info) } }) { first, _ in
            first
        }
        for task in register.tasks {
            let frameworkID = task.frameworkID
            if frameworks[frameworkID] == nil {
                guard let info = infos[frameworkID] else { continue }
                recoverFramework(info, from: "an agent")
            }
            let resources = (try? Resources(task.resources)) ?? Resources()
            let role = task.resources.first?.allocationInfo?.role ?? "*"
            var info = Mesos.TaskInfo(name: task.name, taskID: task.taskID, agentID: agentID, resources: task.resources)
            info.labels = task.labels
            var record = TaskRecord(
                info: info, frameworkID: frameworkID, agentID: agentID, executorID: task.executorID, role: role,
                resources: resources, state: task.state, statuses: task.statuses, unacknowledged: nil,
                resourcesRecovered: task.state.isTerminal)
            record.statusUpdateState = task.statusUpdateState
            frameworks[frameworkID]!.tasks[task.taskID] = record
            agents[agentID]!.tasks.insert(record.key)
        }
        for executor in register.executors {
            frameworks[executor.frameworkID]?.executors[agentID, default: [:]][executor.executorInfo.executorID] =
                executor.executorInfo
        }
    }

    /// A request's calls in order, up to the first refused: the answer is that refusal (the
    /// calls before it were taken, those after it not), or 202 when all were taken.
    mutating func onAgentCalls(_ calls: [AgentCall], streamID: String?) -> MasterReply {
        guard !calls.isEmpty else { return .rejected(status: 400, message: "Expecting at least one call") }
        for call in calls {
            let reply = onAgentCall(call, streamID: streamID)
            guard reply == .accepted else { return reply }
        }
        return .accepted
    }

    private mutating func onAgentCall(_ call: AgentCall, streamID: String?) -> MasterReply {
        guard let agentID = call.agentID, let agent = agents[agentID], let stream = agent.stream else {
            return .rejected(status: 403, message: "Agent \(call.agentID?.value ?? "(no agent_id)") is not registered")
        }
        guard streamID == stream.value else {
            return .rejected(status: 400, message: "The stream ID '\(streamID ?? "")' is not agent \(agentID)'s")
        }
        agents[agentID]!.lastHeardAt = now
        switch call.type {
        case .register:
            return .rejected(status: 400, message: "REGISTER opens a stream; send it without a stream id")
        case .update:
            guard let update = call.update else { return .rejected(status: 400, message: "Expecting 'update'") }
            onStatusUpdate(update, from: agentID)
        case .executorExited:
            guard let exited = call.executorExited else {
                return .rejected(status: 400, message: "Expecting 'executor_exited'")
            }
            onExecutorExited(exited, on: agentID)
        case .pong: break
        case .unregister:
            guard !markingUnreachable.contains(agentID) else {
                log("Agent \(agentID) unregistered while it is being marked unreachable; it is marked unreachable")
                break
            }
            removeAgent(
                agentID, as: .unregistered, cause: "the agent unregistered (it stopped and killed its containers)")
        case .message:
            guard let message = call.message else { return .rejected(status: 400, message: "Expecting 'message'") }
            if let frameworkStream = frameworks[message.frameworkID]?.stream {
                let payload = Mesos.SchedulerEvent.Message(
                    agentID: agentID, executorID: message.executorID, data: message.data)
                emit(.sendToFramework(frameworkStream, Mesos.SchedulerEvent(type: .message, message: payload)))
            }
        }
        return .accepted
    }

    private mutating func onExecutorExited(_ exited: AgentCall.ExecutorExited, on agentID: Mesos.AgentID) {
        let key = ExecutorKey(framework: exited.frameworkID, agent: agentID, executor: exited.executorID)
        frameworks[exited.frameworkID]?.executors[agentID]?[exited.executorID] = nil
        if let held = executorResources.removeValue(forKey: key), !held.resources.isEmpty {
            let allocation = AllocationKey(
                framework: FrameworkID(exited.frameworkID.value), role: held.role, agent: AgentID(agentID.value))
            try? allocator.recover(held.resources, from: allocation)
            allocateSoon(on: agentID)
        }
        guard let stream = frameworks[exited.frameworkID]?.stream else { return }
        let failure = Mesos.SchedulerEvent.Failure(
            agentID: agentID, executorID: exited.executorID, status: exited.status)
        emit(.sendToFramework(stream, Mesos.SchedulerEvent(type: .failure, failure: failure)))
    }

    /// The agent's stream ended: nothing on it is offered until it registers again; its
    /// tasks stay as they are.
    mutating func onAgentClosed(_ stream: StreamID) {
        if let pending = pendingAdmissions.first(where: { $0.value.stream == stream }) {
            pendingAdmissions[pending.key] = nil
        }
        guard let id = agentStreams.removeValue(forKey: stream), agents[id]?.stream == stream else { return }
        agents[id]!.stream = nil
        rescind((try? allocator.deactivateAgent(agents[id]!.modelID)) ?? [])
        log(
            "Agent \(id) disconnected; its tasks are kept until it registers again, or is marked unreachable after \(config.agentSilenceMax / 1000) s of silence"
        )
    }

    /// Tells each framework that these offers are gone.
    mutating func rescind(_ offers: [Offer]) {
        for offer in offers {
            offerMadeAt[offer.id] = nil
            guard let stream = frameworks[Mesos.FrameworkID(value: offer.framework.value)]?.stream else { continue }
            let rescind = Mesos.SchedulerEvent.Rescind(offerID: wireOfferID(offer.id))
            emit(.sendToFramework(stream, Mesos.SchedulerEvent(type: .rescind, rescind: rescind)))
        }
    }
}

/// An executor is named by its framework, its agent and its id.
struct ExecutorKey: Hashable, Sendable {
    var framework: Mesos.FrameworkID
    var agent: Mesos.AgentID
    var executor: Mesos.ExecutorID
}

/// What an executor itself holds in the allocator, beyond its tasks.
struct ExecutorResources: Sendable {
    var role: String
    var resources: Resources
}
