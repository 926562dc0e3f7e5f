import ClusterProtocol

/// The master's `--acls` where the core decides: who may register frameworks in which
/// roles, and run tasks as which users. The principal is the one FrameworkInfo names: with
/// `--authenticate-frameworks` the edge has checked that it is the authenticated one.
extension Master {
    /// Why `info` may not subscribe (403), or nil: each of its roles must be allowed.
    func registrationRefusal(_ info: Mesos.FrameworkInfo) -> MasterReply? {
        for role in info.effectiveRoles
        where !config.acls.allows(.registerFrameworks, principal: info.principal, object: role) {
            return .rejected(
                status: 403,
                message:
                    "Principal '\(info.principal ?? "")' is not authorized to register frameworks in role '\(role)' (the master's --acls: register_frameworks)"
            )
        }
        return nil
    }

    /// Why these tasks may not run (TASK_ERROR, REASON_TASK_UNAUTHORIZED), or nil: every
    /// process the launch starts, each task's and its executor's, runs as a user
    /// (`CommandInfo.runsAs`) that must be allowed for the framework's principal.
    func launchRefusal(
        _ tasks: [Mesos.TaskInfo], executor: Mesos.ExecutorInfo?, framework: Mesos.FrameworkInfo
    ) -> String? {
        var users: [String] = []
        for task in tasks {
            let taskExecutor = task.executor ?? executor
            if let command = taskExecutor?.command {
                users.append(command.runsAs(executor: nil, frameworkUser: framework.user))
            }
            users.append(task.user(executor: taskExecutor, framework: framework))
        }
        for user in users {
            guard !config.acls.allows(.runTasks, principal: framework.principal, object: user) else { continue }
            return
                "Task is not authorized to launch: principal '\(framework.principal ?? "")' may not run tasks as user '\(user)' (the master's --acls: run_tasks)"
        }
        return nil
    }
}

extension Master {
    /// This master as `principal` may see it (`view_frameworks` by each framework's user,
    /// `view_tasks` by each task's): the frameworks and tasks it may not see are left out.
    /// Itself when the ACLs govern neither.
    public func visible(to principal: String?) -> Master {
        let acls = config.acls
        guard acls.governs(.viewFrameworks) || acls.governs(.viewTasks) else { return self }
        var copy = self
        copy.frameworks = frameworks.compactMapValues { $0.visible(to: principal, acls) }
        var completed = RecentHistory<FrameworkRecord>()
        for record in completedFrameworks {
            if let kept = record.visible(to: principal, acls) {
                completed.append(kept, keeping: completedFrameworks.count)
            }
        }
        copy.completedFrameworks = completed
        return copy
    }
}

extension FrameworkRecord {
    /// The record with the tasks `principal` may see, or nil if it may not see the framework.
    func visible(to principal: String?, _ acls: MesosACLs) -> FrameworkRecord? {
        guard acls.allows(.viewFrameworks, principal: principal, object: info.user) else { return nil }
        guard acls.governs(.viewTasks) else { return self }
        var copy = self
        let hidden = { (task: TaskRecord) in !self.shows(task, to: principal, acls) }
        copy.tasks = tasks.filter { !hidden($0.value) }
        var completed = RecentHistory<TaskRecord>()
        for task in completedTasks where !hidden(task) { completed.append(task, keeping: completedTasks.count) }
        copy.completedTasks = completed
        for task in unreachableTasks.values where hidden(task) {
            _ = copy.unreachableTasks.removeValue(forKey: task.info.taskID)
        }
        return copy
    }
}

extension FrameworkRecord {
    /// Whether `principal` may see one of this framework's tasks (`view_tasks`).
    func shows(_ task: TaskRecord, to principal: String?, _ acls: MesosACLs) -> Bool {
        acls.allows(.viewTasks, principal: principal, object: task.user(framework: info))
    }
}

extension TaskRecord {
    func user(framework: Mesos.FrameworkInfo) -> String { info.user(executor: info.executor, framework: framework) }
}

extension Mesos.TaskInfo {
    /// The user the task's own process runs as (a task without a command is its executor's).
    func user(executor: Mesos.ExecutorInfo?, framework: Mesos.FrameworkInfo) -> String {
        (command ?? Mesos.CommandInfo()).runsAs(executor: executor?.command, frameworkUser: framework.user)
    }
}

extension Master {
    /// Whether `principal` may see `event` on the operator API's stream, by the same rules
    /// as the views: a framework's events by `view_frameworks`, a task's by `view_tasks`
    /// too (a task of a framework this master no longer holds is not shown). Agents'
    /// events and heartbeats are everyone's.
    public func shows(_ event: Mesos.OperatorEvent, to principal: String?) -> Bool {
        let acls = config.acls
        guard acls.governs(.viewFrameworks) || acls.governs(.viewTasks) else { return true }
        if let task = event.taskAdded?.task { return showsTask(task.taskID, of: task.frameworkID, to: principal) }
        if let update = event.taskUpdated {
            return showsTask(update.status.taskID, of: update.frameworkID, to: principal)
        }
        let info =
            event.frameworkAdded?.framework.frameworkInfo ?? event.frameworkUpdated?.framework.frameworkInfo
            ?? event.frameworkRemoved?.frameworkInfo
        guard let info else { return true }
        return acls.allows(.viewFrameworks, principal: principal, object: info.user)
    }

    /// Looks the one task up, rather than filtering the framework's every task per event.
    private func showsTask(_ id: Mesos.TaskID, of frameworkID: Mesos.FrameworkID, to principal: String?) -> Bool {
        let acls = config.acls
        guard let framework = frameworks[frameworkID] ?? completedFrameworks.last(where: { $0.info.id == frameworkID }),
            acls.allows(.viewFrameworks, principal: principal, object: framework.info.user)
        else { return false }
        guard acls.governs(.viewTasks) else { return true }
        let task =
            framework.tasks[id] ?? framework.unreachableTasks[id]
            ?? framework.completedTasks.last { $0.info.taskID == id }
        return task.map { framework.shows($0, to: principal, acls) } ?? false
    }
}
