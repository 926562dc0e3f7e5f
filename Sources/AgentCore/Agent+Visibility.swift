import ClusterProtocol

/// What the agent's `--acls` let a principal see of it, as Mesos' agent filters `/state`
/// and the operator API's views: frameworks by `view_frameworks` (the framework's user),
/// executors by `view_executors` and tasks by `view_tasks` (the user each runs as, the one
/// rule of `CommandInfo.runsAs`). A user the agent cannot tell (an executor that ended
/// after its framework left and named no user) matches only ANY rules.
extension Agent {
    /// The agent as `principal` may see it; itself when the ACLs govern none of the views.
    public func visible(to principal: String?, _ acls: MesosACLs) -> Agent {
        guard acls.governs(.viewFrameworks) || acls.governs(.viewExecutors) || acls.governs(.viewTasks) else {
            return self
        }
        var copy = self
        copy.frameworks = frameworks.filter {
            acls.allows(.viewFrameworks, principal: principal, object: $0.value.user)
        }
        copy.executors = executors.compactMapValues { visible($0, to: principal, acls) }
        copy.completedExecutors = completedExecutors.compactMap { visible($0, to: principal, acls) }
        return copy
    }

    /// The run with the tasks `principal` may see, or nil if it may not see the executor
    /// or its framework.
    private func visible(_ run: ExecutorRun, to principal: String?, _ acls: MesosACLs) -> ExecutorRun? {
        guard acls.allows(.viewFrameworks, principal: principal, object: frameworks[run.frameworkID]?.user),
            acls.allows(.viewExecutors, principal: principal, object: user(of: run))
        else { return nil }
        guard acls.governs(.viewTasks) else { return run }
        var copy = run
        copy.tasks = run.tasks.filter {
            acls.allows(.viewTasks, principal: principal, object: user(of: $0.value.info, in: run))
        }
        return copy
    }

    /// The user an executor runs as: a command task's own, else the executor's command's,
    /// else its framework's; nil when none is known.
    public func user(of run: ExecutorRun) -> String? {
        let command = run.kind == .command ? run.tasks.values.first?.info.command : run.info.command
        return command?.user ?? frameworks[run.frameworkID]?.user
    }

    /// The user one of the run's tasks runs as.
    func user(of task: Mesos.TaskInfo, in run: ExecutorRun) -> String? {
        task.command?.user ?? run.info.command?.user ?? frameworks[run.frameworkID]?.user
    }

    /// The executor whose sandbox `framework`/`executor` names, running or ended (the
    /// newest run), for `access_sandboxes`.
    public func executorRun(framework: String, executor: String) -> ExecutorRun? {
        let key = ExecutorKey(
            framework: Mesos.FrameworkID(value: framework), executor: Mesos.ExecutorID(value: executor))
        return executors[key]
            ?? completedExecutors.last { $0.frameworkID == key.framework && $0.info.executorID == key.executor }
    }
}
