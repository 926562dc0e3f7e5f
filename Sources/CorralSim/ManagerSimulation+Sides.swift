import AgentCore
import ClusterCore
import ClusterProtocol
import MasterCore

/// The agents' and the schedulers' edges, and the faults.
extension ManagerSimulation {
    // MARK: - Agents

    /// Steps the agent's core (nothing, while it is down) and carries out its actions.
    mutating func stepAgent(_ index: Int, _ input: AgentInput) throws {
        guard !agents[index].down else { return }
        let step = agents[index].core.step(input, now: now)
        try performAgent(step.actions, agent: index)
    }

    /// The actions in order; the checkpoint first, and nothing after it if the power failed
    /// while it was written. A planned kill stops them at any point.
    mutating func performAgent(_ actions: [AgentAction], agent index: Int) throws {
        for action in actions {
            if killedBeforeAction(index) { return }
            if case .checkpoint(let checkpoint) = action {
                guard try writeCheckpoint(checkpoint, agent: index) else { return }
            } else {
                perform(action, agent: index)
            }
        }
        let wakeup = max(agents[index].core.nextWakeup, now)
        if wakeup < Int64.max, agents[index].tickAt.map({ wakeup < $0 }) ?? true {
            agents[index].tickAt = wakeup
            queue.schedule(.agentTick(index), at: wakeup)
        }
    }

    mutating func perform(_ action: AgentAction, agent index: Int) {
        switch action {
        case .sendToMaster(let call):
            guard let stream = agents[index].stream else { return }
            // One request at a time, in order, on the agent's connection.
            deliver(.agentCallArrives(index, stream: stream, call), on: "calls-agent-\(index)", agent: index)
        case .reconnect:
            note("agent \(index) hears nothing from the master: registers again")
            cutAgentStream(index)
        case .launch(let launch):
            agents[index].containers[launch.containerID] = .starting
            queue.schedule(.containerStarts(index, launch.containerID), at: now + Int64(random.between(1, 20)))
        case .kill(let container, _):
            guard agents[index].containers[container] != .exited else { return }
            queue.schedule(
                .containerExits(index, container, ContainerExit(signal: 15)), at: now + Int64(random.between(1, 50)))
        case .updateLimits, .sendToExecutor, .closeExecutorStream, .checkpoint: break
        case .runHealthCheck(let check):
            // The check runs beside the task and answers within its timeout: it passes while
            // the task runs, and fails now and then while faults happen (a task gone sick).
            let running = agents[index].containers[check.containerID] == .running
            let passed = running && !(isLaunching && random.percent(5))
            queue.schedule(
                .healthChecked(index, check.containerID, passed: passed),
                at: now + Int64(random.between(1, Int(max(1, min(check.timeout, 1000))))))
        case .log(let line): note("agent \(index): \(line)")
        }
    }

    mutating func agentRegisters(_ index: Int) throws {
        guard !agents[index].down else { return }
        guard partitionEnd(index) == nil else {
            note("agent \(index) cannot reach the master to register")
            queue.schedule(.agentRegisters(index), at: now + 1000)
            return
        }
        agents[index].generations += 1
        let generation = agents[index].generations
        let stream = Self.agentStream(index, generation)
        let reply = stepMaster(.agentRegister(agents[index].core.registration, stream: stream))
        guard reply == .streaming else {
            note("agent \(index) REGISTER refused: \(reply)")
            queue.schedule(.agentRegisters(index), at: now + 1000)
            return
        }
        agents[index].stream = generation
        try stepAgent(index, .masterConnected)
    }

    mutating func agentStreamEnds(_ index: Int, stream: Int) throws {
        guard agents[index].stream == stream else { return }
        agents[index].stream = nil
        try stepAgent(index, .masterDisconnected)
        queue.schedule(.agentRegisters(index), at: now + 1000)
    }

    /// The agent's connection drops: the master hears at once (once the partition heals,
    /// if the agent is partitioned), the agent after what was already on its way is lost.
    mutating func cutAgentStream(_ index: Int) {
        guard let generation = agents[index].stream else { return }
        let stream = Self.agentStream(index, generation)
        if let heals = partitionEnd(index) {
            queue.schedule(.masterHearsAgentClosed(stream), at: heals + Int64(random.between(1, 20)))
        } else {
            stepMaster(.agentClosed(stream))
        }
        cutStreams.insert(stream.value)
        queue.schedule(.agentStreamEnds(index, stream: generation), at: now + Int64(random.between(1, 20)))
    }

    /// When agent `index`'s partition heals; nil if it is not partitioned.
    func partitionEnd(_ index: Int) -> Int64? {
        guard let until = agents[index].partitionedUntil, until > now else { return nil }
        return until
    }

    mutating func containerStarts(_ index: Int, _ container: Mesos.ContainerID) throws {
        guard agents[index].containers[container] == .starting else { return }
        agents[index].containers[container] = .running
        try stepAgent(index, .containerStarted(container, ProcessIdentity(pid: 1000, startTime: 7)))
        let status: Int32 = random.percent(80) ? 0 : 1
        // Apps' tasks are services: they end only now and then while faults happen.
        if runsAppsTask(index, container) {
            guard isLaunching, random.percent(30) else { return }
            queue.schedule(
                .containerExits(index, container, ContainerExit(exitStatus: status)),
                at: min(now + Int64(random.between(100, settings.taskDurationMax)), settings.faultPhase))
            return
        }
        queue.schedule(
            .containerExits(index, container, ContainerExit(exitStatus: status)),
            at: now + Int64(random.between(100, settings.taskDurationMax)))
    }

    /// True when `container` on agent `index` runs a task of Apps.
    func runsAppsTask(_ index: Int, _ container: Mesos.ContainerID) -> Bool {
        agents[index].core.executors.values.contains { run in
            run.containerID == container
                && run.tasks.keys.contains { $0.value.hasPrefix(SimulatedApps.app.taskPrefix + ".") }
        }
    }

    mutating func containerExits(_ index: Int, _ container: Mesos.ContainerID, _ exit: ContainerExit) throws {
        guard let phase = agents[index].containers[container], phase != .exited else { return }
        agents[index].containers[container] = .exited
        if phase == .starting {
            try stepAgent(index, .containerStarted(container, ProcessIdentity(pid: 1000, startTime: 7)))
        }
        try stepAgent(index, .containerExited(container, exit))
    }

    // MARK: - Schedulers

    mutating func schedulerSubscribes(_ index: Int) {
        guard !schedulers[index].removed else { return }
        let (call, stream) = schedulers[index].subscribe()
        let reply = stepMaster(.schedulerSubscribe(call, stream: stream))
        if reply != .streaming {
            note("scheduler \(index) SUBSCRIBE refused: \(reply)")
            schedulers[index].stream = nil
            queue.schedule(.schedulerSubscribes(index), at: now + 1000)
        }
    }

    mutating func schedulerHears(_ index: Int, stream: Int, _ event: Mesos.SchedulerEvent) throws {
        guard schedulers[index].stream == stream else { return }
        switch event.type {
        case .subscribed: schedulers[index].frameworkID = event.subscribed?.frameworkID
        case .offers:
            let calls = schedulers[index].answer(event.offers?.offers ?? [], launching: isLaunching, random: &random)
            for call in calls { send(call, from: index) }
        case .update:
            guard let status = event.update?.status else { return }
            do {
                if let acknowledgement = try schedulers[index].hear(status) { send(acknowledgement, from: index) }
            } catch {
                throw violation(error.message)
            }
        case .error:
            note("scheduler \(index) removed: \(event.error?.message ?? "")")
            schedulers[index].removed = true
        default: break
        }
    }

    mutating func schedulerStreamEnds(_ index: Int, stream: Int) {
        guard schedulers[index].stream == stream else { return }
        schedulers[index].stream = nil
        guard !schedulers[index].removed else { return }
        queue.schedule(.schedulerSubscribes(index), at: now + Int64(random.between(200, 1000)))
    }

    mutating func send(_ call: Mesos.SchedulerCall, from index: Int) {
        guard let stream = schedulers[index].stream else { return }
        deliver(.schedulerCallArrives(index, stream: stream, call), on: "calls-framework-\(index)")
    }

    /// While launching: now and then a kill or a reconciliation. Once quiet, every few
    /// seconds an explicit reconciliation of every task it has not heard end, as a framework
    /// does after failures (tasks whose ACCEPT was refused on a broken stream are unknown
    /// to the master, which answers TASK_LOST).
    mutating func schedulerActs(_ index: Int) {
        guard !schedulers[index].removed else { return }
        if isLaunching {
            if schedulers[index].stream != nil, let call = schedulers[index].act(random: &random) {
                send(call, from: index)
            }
            queue.schedule(.schedulerActs(index), at: now + Int64(random.between(200, 800)))
        } else if now < settings.faultPhase + 2_000 {
            // Past the last launches' ACCEPTs still on their way.
            queue.schedule(.schedulerActs(index), at: settings.faultPhase + 2_000)
        } else {
            if schedulers[index].stream != nil { send(schedulers[index].reconcileUnfinished(), from: index) }
            queue.schedule(.schedulerActs(index), at: now + 5_000)
        }
    }

    /// The scheduler's connection drops: the master hears at once.
    mutating func cutSchedulerStream(_ index: Int) {
        guard let generation = schedulers[index].stream, let stream = schedulers[index].streamID else { return }
        cutStreams.insert(stream.value)
        stepMaster(.schedulerClosed(stream))
        queue.schedule(.schedulerStreamEnds(index, stream: generation), at: now + Int64(random.between(1, 20)))
    }

    // MARK: - Faults

    mutating func injectFault() {
        guard isLaunching else {
            cancelPlannedCrashes()
            apps.killAfterActions = nil
            return
        }
        if random.chance(settings.partitionChance) {
            let index = random.below(agents.count)
            let until = min(now + Int64(random.between(500, Int(settings.partitionMax))), settings.faultPhase)
            if partitionEnd(index) == nil, until > now {
                note("partition agent \(index) from the master for \(until - now) ms")
                agents[index].partitionedUntil = until
            }
        }
        if random.chance(settings.restartChance) { crashAgent(random.below(agents.count)) }
        // Drawn only when Apps runs and fails, so that other seeds replay as before.
        if settings.appsInstances > 0, settings.appsFailChance > 0, random.chance(settings.appsFailChance) {
            if random.percent(50) { killAppsLeader() } else { apps.killAfterActions = random.below(4) }
        }
        // Drawn only when the seed kills masters, so that other seeds replay as before.
        if settings.masterFailChance > 0, random.chance(settings.masterFailChance), !leaderless { killMaster() }
        if random.chance(settings.cutChance) {
            let target = random.below(agents.count + schedulers.count)
            if target < agents.count {
                note("cut agent \(target)'s stream")
                cutAgentStream(target)
            } else {
                note("cut scheduler \(target - agents.count)'s stream")
                cutSchedulerStream(target - agents.count)
            }
        }
        queue.schedule(.fault, at: now + 100)
    }
}
