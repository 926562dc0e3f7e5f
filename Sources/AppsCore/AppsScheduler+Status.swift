import ClusterProtocol

extension AppsScheduler {
    mutating func onSubscribed(_ id: String) {
        isSubscribed = true
        isSuppressed = false
        if frameworkID != id {
            frameworkID = id
            store(.putFrameworkID(id))
        }
        log("Subscribed as framework \(id); reconciling \(tasks.count) tasks")
        reconcile()
        for task in tasks.values.sorted(by: { $0.id < $1.id }) where task.kill != nil { sendKill(task) }
    }

    /// Asks the master for the state of every task Apps knows (explicit), then of every
    /// task it knows for this framework (implicit): tasks Apps does not know are killed
    /// when they are reported.
    mutating func reconcile() {
        nextReconcileAt = now + config.reconcileInterval
        guard isSubscribed else { return }
        var explicit = Mesos.SchedulerCall(type: .reconcile)
        explicit.reconcile = .init(
            tasks: tasks.values.sorted { $0.id < $1.id }.map {
                .init(taskID: .init(value: $0.id), agentID: .init(value: $0.agentID))
            })
        if !explicit.reconcile!.tasks.isEmpty { emit(.call(explicit)) }
        var implicit = Mesos.SchedulerCall(type: .reconcile)
        implicit.reconcile = .init()
        emit(.call(implicit))
    }

    mutating func onUpdate(_ status: Mesos.TaskStatus) {
        let id = status.taskID.value
        if let task = tasks[id] {
            apply(status, to: task)
        } else if !status.state.isTerminal, status.state != .unknown, status.state != .unreachable,
            let agentID = status.agentID
        {
            // An unreachable task it does not know (expunged) is killed when it is heard
            // running again: the master answers a KILL of it with TASK_UNREACHABLE, and
            // killing on that answer would loop for as long as the partition lasts.
            log("Killing task \(id): Apps does not know it (\(status.state.rawValue))")
            var call = Mesos.SchedulerCall(type: .kill)
            call.kill = .init(taskID: status.taskID, agentID: agentID)
            emit(.call(call))
        }
        if let uuid = status.uuid, let agentID = status.agentID {
            var call = Mesos.SchedulerCall(type: .acknowledge)
            call.acknowledge = .init(agentID: agentID, taskID: status.taskID, uuid: uuid)
            emit(.call(call))
        }
    }

    private mutating func apply(_ status: Mesos.TaskStatus, to task: AppTask) {
        var task = task
        let previous = task
        task.state = status.state
        switch status.state {
        case .running:
            if task.startedAt == nil { task.startedAt = now }
            task.unreachableSince = nil
            if task.health.isEmpty, let app = apps[task.appID], app.lastConfigChangeAt == task.configVersion {
                task.health = app.probedChecks.map { _ in HealthResult(nextProbeAt: now) }
            }
        case .unreachable:
            if task.unreachableSince == nil { task.unreachableSince = now }
        case .staging, .starting, .killing:
            task.unreachableSince = nil
        default: break
        }
        if let healthy = status.healthy, healthy != task.agentHealthy {
            task.agentHealthy = healthy
            publish(.healthStatusChanged(task, alive: healthy))
        }
        if previous.state != task.state { publish(.statusUpdate(task, status)) }
        if status.state.isTerminal || status.state == .unknown {
            ended(task, status)
        } else if task != previous {
            tasks[task.id] = task
            store(.putTask(task))
        }
    }

    /// The ends that delay the next launch of the app (Marathon's `limitWorthy`).
    static let slowsLaunches: Set<Mesos.TaskState> = [.failed, .error, .dropped, .gone, .finished]

    /// `task` is over: forgotten, and — unless Apps killed it — counted as a failure for
    /// the launch back-off and `lastTaskFailure`.
    private mutating func ended(_ task: AppTask, _ status: Mesos.TaskStatus) {
        expunge(task.id)
        guard task.kill == nil, status.state != .killed, let app = apps[task.appID] else { return }
        if app.lastConfigChangeAt == task.configVersion, Self.slowsLaunches.contains(status.state) {
            delays[app.id] = LaunchDelay.after(delays[app.id], app: app, now: now)
        }
        lastTaskFailures[app.id] = TaskFailure(
            taskID: task.id, state: status.state, message: status.message ?? "", host: task.place.hostname,
            agentID: task.agentID, version: task.version, timestamp: now)
        log("Task \(task.id) of \(app.id) ended \(status.state.rawValue): \(status.message ?? "")")
    }
}
