import AgentCore
import AppsCore
import ClusterProtocol
import MasterCore

/// The Apps service in the cluster simulation (`SimulatedApps`): its leader is killed now
/// and then (`appsFailChance`), even between a store operation and the calls after it, and
/// a new one takes over from what Keeper holds. Checked after each of its steps: no task
/// id is launched twice, and a rolling restart kills a ready task only while the ready
/// ones stay at the minimum health capacity. After the quiet phase: the app runs exactly
/// its instances, all running its current config, as the master knows them, and no
/// deployment is left.
extension ManagerSimulation {
    mutating func appsElected() throws {
        guard apps.core == nil else { return }
        apps.epoch += 1
        var config = AppsConfig(idPrefix: "e\(apps.epoch)")
        config.reconcileInterval = 10_000
        config.killRetryInterval = 2_000
        config.taskLaunchTimeout = 15_000
        apps.core = AppsScheduler(config: config, now: now, state: apps.keeper.state)
        note("apps leader \(apps.epoch) elected: \(apps.keeper.tasks.count) tasks in Keeper")
        if apps.keeper.apps.isEmpty, apps.epoch == 1 {
            try stepApps(
                .request(.create(SimulatedApps.firstDefinition(instances: settings.appsInstances, random: &random))))
        }
        appsSubscribes()
    }

    mutating func appsSubscribes() {
        guard apps.core != nil, apps.stream == nil else { return }
        apps.generations += 1
        apps.stream = apps.generations
        let info = Mesos.FrameworkInfo(
            user: "sim", name: "apps", id: apps.keeper.frameworkID.map { Mesos.FrameworkID(value: $0) },
            failoverTimeout: 3600, checkpoint: true, capabilities: [.init(type: .partitionAware)])
        var call = Mesos.SchedulerCall(type: .subscribe, subscribe: .init(frameworkInfo: info))
        call.frameworkID = info.id
        let reply = stepMaster(.schedulerSubscribe(call, stream: apps.streamID!))
        if reply != .streaming {
            note("apps SUBSCRIBE refused: \(reply)")
            apps.stream = nil
            queue.schedule(.appsSubscribes, at: now + 1000)
        }
    }

    mutating func appsHears(stream: Int, _ event: Mesos.SchedulerEvent) throws {
        guard apps.stream == stream, apps.core != nil else { return }
        switch event.type {
        case .subscribed:
            guard let id = event.subscribed?.frameworkID else { return }
            try stepApps(.subscribed(frameworkID: id.value))
        case .offers: try stepApps(.offers(event.offers?.offers ?? []))
        case .rescind:
            if let id = event.rescind?.offerID { try stepApps(.rescinded(id)) }
        case .update:
            if let status = event.update?.status { try stepApps(.update(status)) }
        case .error: note("apps removed by the master: \(event.error?.message ?? "")")
        default: break
        }
    }

    mutating func appsStreamEnds(stream: Int) throws {
        guard apps.stream == stream else { return }
        apps.stream = nil
        guard apps.core != nil else { return }
        try stepApps(.disconnected)
        queue.schedule(.appsSubscribes, at: now + Int64(random.between(200, 1000)))
    }

    mutating func appsTick() throws {
        guard apps.tickAt == now, apps.core != nil else { return }
        apps.tickAt = nil
        try stepApps(.tick)
    }

    /// While launching, a user's change every 1–4 s.
    mutating func appsActs() throws {
        guard isLaunching else { return }
        if apps.core != nil {
            try stepApps(.request(SimulatedApps.change(&random, version: Int(now))))
        }
        queue.schedule(.appsActs, at: now + Int64(random.between(1000, 4000)))
    }

    /// Kills the Apps leader: its stream ends, and another is elected a while later.
    mutating func killAppsLeader() {
        guard apps.core != nil else { return }
        note("kill the apps leader \(apps.epoch)")
        apps.core = nil
        apps.killAfterActions = nil
        apps.tickAt = nil
        if let stream = apps.streamID {
            cutStreams.insert(stream.value)
            stepMaster(.schedulerClosed(stream))
        }
        apps.stream = nil
        queue.schedule(.appsElected, at: now + Int64(random.between(100, settings.electionDelayMax)))
    }

    /// Steps the Apps leader and carries out its actions in order: store operations reach
    /// Keeper at once, calls travel to the master, probes answer healthy after a while.
    @discardableResult
    mutating func stepApps(_ input: AppsInput) throws -> AppsReply {
        guard var core = apps.core else { return .none }
        let readyBefore = readyTasks(core)
        let restarting = core.restartDeployment(of: SimulatedApps.app) != nil
        let instancesBefore = core.apps[SimulatedApps.app]?.instances
        let (reply, actions) = core.step(input, now: now)
        apps.core = core
        var killed: [String] = []
        // The store operations between two calls are one Keeper multi: all taken, or none.
        for unit in AppsAction.units(actions) {
            if let left = apps.killAfterActions {
                guard left > 0 else {
                    killAppsLeader()
                    return reply
                }
                apps.killAfterActions = left - 1
            }
            for operation in unit.stores { apps.keeper.apply(operation) }
            for action in unit.after { try perform(action, killed: &killed) }
        }
        if restarting, core.restartDeployment(of: SimulatedApps.app) != nil,
            core.apps[SimulatedApps.app]?.instances == instancesBefore
        {
            try checkMinimumHealth(core, readyBefore: readyBefore, killed: killed)
        }
        let wakeup = max(core.nextWakeup, now + 1)
        if apps.tickAt.map({ wakeup < $0 }) ?? true {
            apps.tickAt = wakeup
            queue.schedule(.appsTick, at: wakeup)
        }
        return reply
    }

    private mutating func perform(_ action: AppsAction, killed: inout [String]) throws {
        switch action {
        case .store(let operation): apps.keeper.apply(operation)
        case .call(let call):
            if call.type == .accept {
                for task in call.accept?.operations.flatMap({ $0.launch?.taskInfos ?? [] }) ?? [] {
                    guard apps.launched.insert(task.taskID.value).inserted else {
                        throw violation("apps launched \(task.taskID.value) twice")
                    }
                }
            }
            if call.type == .kill, let id = call.kill?.taskID.value { killed.append(id) }
            guard let stream = apps.stream else { return }
            deliver(.appsCallArrives(stream: stream, call), on: "calls-apps")
        case .probe(let probe):
            queue.schedule(
                .appsProbed(epoch: apps.epoch, taskID: probe.taskID, check: probe.check),
                at: now + Int64(random.between(1, 200)))
        case .publish: break
        case .log(let line): note("apps: \(line)")
        }
    }

    mutating func appsCallArrives(stream: Int, _ call: Mesos.SchedulerCall) {
        guard let streamID = apps.streamID, apps.stream == stream else { return }
        var call = call
        call.frameworkID = apps.keeper.frameworkID.map { Mesos.FrameworkID(value: $0) }
        let reply = stepMaster(.schedulerCall(call, streamID: streamID.value))
        if reply != .accepted { note("apps \(call.type.rawValue) refused: \(reply)") }
    }

    private func readyTasks(_ core: AppsScheduler) -> Set<String> {
        guard let app = core.apps[SimulatedApps.app] else { return [] }
        return Set(core.tasks.values.filter { $0.kill == nil && core.isReady($0, of: app) }.map(\.id))
    }

    /// A rolling restart that killed a ready task this step left at least the minimum
    /// healthy capacity ready.
    private func checkMinimumHealth(_ core: AppsScheduler, readyBefore: Set<String>, killed: [String]) throws {
        guard let app = core.apps[SimulatedApps.app], killed.contains(where: readyBefore.contains) else { return }
        let ready = readyTasks(core).count
        let minimum = app.upgradeStrategy.minimumHealthy(of: app.instances)
        guard ready >= minimum else {
            throw violation(
                "a rolling restart killed a ready task of \(app.id), leaving \(ready) ready of minimum \(minimum)")
        }
    }

    /// After the quiet phase: the app runs its instances, all on its current config, as the
    /// master knows them, and no deployment is left.
    func checkAppsSettled() throws {
        guard settings.appsInstances > 0 else { return }
        guard let core = apps.core else { throw violation("no Apps leader after the quiet phase") }
        guard core.deployments.isEmpty else {
            throw violation("deployments left after the quiet phase: \(core.deployments.keys.sorted())")
        }
        guard let app = core.apps[SimulatedApps.app] else { throw violation("the app is gone") }
        let live = master.frameworks.values.filter { $0.info.name == "apps" }.flatMap {
            $0.tasks.values.filter { !$0.isTerminal }
        }
        guard live.count == app.instances, live.allSatisfy({ $0.state == .running }) else {
            throw violation(
                "\(app.id) wants \(app.instances) instances; the master has \(live.map { "\($0.taskID.value) \($0.state.rawValue)" })"
            )
        }
        guard Set(live.map(\.taskID.value)) == Set(core.tasks.keys) else {
            throw violation(
                "Apps knows tasks \(core.tasks.keys.sorted()); the master \(live.map(\.taskID.value).sorted())")
        }
        for task in core.tasks.values where task.configVersion != app.lastConfigChangeAt {
            throw violation("\(task.id) runs an old config of \(app.id)")
        }
    }
}
