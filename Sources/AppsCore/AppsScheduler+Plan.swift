import ClusterProtocol

extension AppsScheduler {
    /// Brings every app toward its declared state: kills what is too many or replaced,
    /// counts what must launch, moves deployments on, and tells the master whether Apps
    /// wants offers.
    mutating func converge() {
        for id in apps.keys.sorted() {
            guard let app = apps[id] else { continue }
            if restartDeployment(of: id) != nil { planRestart(app) } else { planCount(app) }
        }
        for task in tasks.values.sorted(by: { $0.id < $1.id }) where apps[task.appID] == nil && task.kill == nil {
            kill(task.id, because: .decommission)
        }
        for id in pendingLaunches.keys where apps[id] == nil { pendingLaunches[id] = nil }
        advanceDeployments()
        wantOffers(pendingLaunches.values.contains { $0 > 0 })
    }

    /// Without a restart under way: as many live tasks as instances, whatever their version.
    private mutating func planCount(_ app: AppDefinition) {
        let live = activeTasks(of: app)
        if live.count > app.instances {
            for task in killOrder(live, of: app).prefix(live.count - app.instances) {
                kill(task.id, because: .decommission)
            }
        }
        pendingLaunches[app.id] = max(0, app.instances - live.count)
    }

    /// A rolling restart (Marathon's upgrade strategy): old tasks go only while the
    /// healthy ones stay at `minimumHealthCapacity` of the instances or more, and new ones
    /// start only while old and new together stay within `1 + maximumOverCapacity` of them.
    private mutating func planRestart(_ app: AppDefinition) {
        let live = activeTasks(of: app)
        let old = live.filter { $0.configVersion != app.lastConfigChangeAt }
        var new = live.filter { $0.configVersion == app.lastConfigChangeAt }
        if new.count > app.instances {
            for task in killOrder(new, of: app).prefix(new.count - app.instances) {
                kill(task.id, because: .decommission)
            }
            new = activeTasks(of: app).filter { $0.configVersion == app.lastConfigChangeAt }
        }
        let strategy = app.upgradeStrategy
        let minimumHealthy = strategy.minimumHealthy(of: app.instances)
        let maximumTasks = max(strategy.maximumTasks(of: app.instances), minimumHealthy + 1)
        let newReady = new.count { isReady($0, of: app) }
        let oldUnready = old.filter { !isReady($0, of: app) }
        let oldReady = old.count - oldUnready.count
        let killable =
            newReady >= app.instances
            ? old.count : min(old.count, oldUnready.count + max(0, oldReady + newReady - minimumHealthy))
        for task in killOrder(old, of: app).prefix(killable) { kill(task.id, because: .decommission) }
        let room = maximumTasks - (old.count - killable) - new.count
        pendingLaunches[app.id] = max(0, min(app.instances - new.count, room))
    }

    /// The tasks that count toward `app`'s instances.
    func activeTasks(of app: AppDefinition) -> [AppTask] {
        tasks(of: app.id).filter { $0.isActive(now: now, strategy: app.unreachableStrategy) }
    }

    /// `tasks` in the order they go when there are too many: those not ready first, then
    /// by the app's killSelection.
    func killOrder(_ tasks: [AppTask], of app: AppDefinition) -> [AppTask] {
        let youngestFirst = app.killSelection == .youngestFirst
        return tasks.sorted { a, b in
            let (aReady, bReady) = (isReady(a, of: app), isReady(b, of: app))
            if aReady != bReady { return !aReady }
            if a.stagedAt != b.stagedAt { return youngestFirst ? a.stagedAt > b.stagedAt : a.stagedAt < b.stagedAt }
            return youngestFirst ? a.id > b.id : a.id < b.id
        }
    }

    /// True when `task` may count as a healthy instance: it is not being killed, runs, is
    /// reachable, and —
    /// when it runs `app`'s current config — passes the app's health checks. A task of
    /// an older config is being replaced and counts while it runs.
    public func isReady(_ task: AppTask, of app: AppDefinition) -> Bool {
        guard task.kill == nil else { return false }
        guard task.configVersion == app.lastConfigChangeAt else {
            return task.isRunning && task.unreachableSince == nil
        }
        return task.isHealthy(probed: app.probedChecks.count, agentChecked: app.hasAgentCheck)
    }

    /// Asks the master for offers (REVIVE) or to stop sending them (SUPPRESS) when that changes.
    private mutating func wantOffers(_ wanted: Bool) {
        guard isSubscribed, wanted == isSuppressed else { return }
        isSuppressed = !wanted
        emit(.call(.init(type: wanted ? .revive : .suppress)))
    }

    /// Asks the master to kill `id`, for `reason` (a decommission is never turned back
    /// into a replacement).
    mutating func kill(_ id: String, because reason: AppTask.Kill) {
        guard var task = tasks[id] else { return }
        if task.kill != .decommission { task.kill = reason }
        task.killSentAt = now
        tasks[id] = task
        store(.putTask(task))
        sendKill(task)
    }

    mutating func sendKill(_ task: AppTask) {
        guard isSubscribed else { return }
        var call = Mesos.SchedulerCall(type: .kill)
        call.kill = .init(taskID: .init(value: task.id), agentID: .init(value: task.agentID))
        emit(.call(call))
    }

    /// Forgets `id` (wiped by a user, or unreachable past its app's expungeAfterSeconds).
    mutating func expunge(_ id: String) {
        guard tasks.removeValue(forKey: id) != nil else { return }
        store(.removeTask(id))
    }
}

extension AppDefinition {
    /// The health checks Apps probes itself (all but COMMAND).
    public var probedChecks: [HealthCheck] { healthChecks.filter { !$0.runsOnAgent } }

    /// True when the agent runs one of its checks (COMMAND).
    public var hasAgentCheck: Bool { healthChecks.contains(where: \.runsOnAgent) }
}
