import ClusterProtocol

/// Kills and shutdowns: one task, one executor, all of a framework.
extension Agent {
    mutating func killTask(_ key: TaskKey, policy: Mesos.KillPolicy?) {
        guard let executor = executorKey(of: key), let task = executors[executor]!.tasks[key.task] else {
            log("Kill for unknown task \(key.task) of framework \(key.framework)")
            // Mesos answers a kill for a task it does not know with TASK_LOST from the agent.
            report(key, state: .lost, source: .agent, reason: .taskUnknown, message: "Task is unknown to the agent")
            return
        }
        guard !task.state.isTerminal else { return }
        let run = executors[executor]!
        if let queuedIndex = run.queued.firstIndex(where: { $0.taskID == key.task }) {
            executors[executor]!.queued.remove(at: queuedIndex)
            report(key, state: .killed, source: .agent, message: "Killed before the executor subscribed")
            return
        }
        executors[executor]!.tasks[key.task]!.killRequested = true
        pauseHealthChecks(key)
        let grace = policy?.gracePeriod.map { $0.nanoseconds / 1_000_000 } ?? config.killGracePeriod
        if let containerID = task.containerID {
            emit(.kill(containerID, gracePeriod: max(0, grace)))
        } else if let stream = run.stream {
            let kill = Mesos.ExecutorEvent.Kill(taskID: key.task, killPolicy: policy)
            emit(.sendToExecutor(stream, Mesos.ExecutorEvent(type: .kill, kill: kill)))
        }
    }

    /// The master removed the framework (and its tasks), or told it that its tasks here are
    /// lost (the agent was unreachable): its executors are shut down, and the updates they
    /// end with are not sent — the framework has heard the last of those tasks.
    mutating func shutdownFramework(_ framework: Mesos.FrameworkID) {
        log("Shutting down framework \(framework)")
        updates.remove(framework: framework)
        for key in executors.keys.sorted() where key.framework == framework {
            silencedExecutors.insert(key)
            shutdownExecutor(key)
        }
    }

    /// The agent is stopping for good: every executor is shut down, every task killed. Unlike
    /// a framework's shutdown, the tasks' ends are reported, so the framework hears TASK_KILLED.
    mutating func shutdownAll() {
        log("Shutting down every executor: the agent is stopping")
        isLeaving = true
        for key in executors.keys.sorted() { shutdownExecutor(key) }
    }

    /// SHUTDOWN to a custom executor (killed after the grace period if it stays); the
    /// agent's own executors kill their tasks at once.
    mutating func shutdownExecutor(_ key: ExecutorKey) {
        guard let run = executors[key], run.phase != .terminated, !isShuttingDown(key) else { return }
        switch run.kind {
        case .custom:
            executors[key]!.phase = .shuttingDown(deadline: now + config.executorShutdownGracePeriod)
            for index in run.queued.indices {
                report(
                    TaskKey(framework: key.framework, task: run.queued[index].taskID), state: .killed, source: .agent,
                    message: "Executor shut down before it subscribed")
            }
            executors[key]!.queued = []
            executors[key]!.queuedGroups = []
            if let stream = run.stream {
                emit(.sendToExecutor(stream, Mesos.ExecutorEvent(type: .shutdown)))
            } else if let containerID = run.containerID {
                emit(.kill(containerID, gracePeriod: 0))
            }
        case .command, .taskGroup:
            for taskID in run.tasks.keys.sorted() {
                killTask(TaskKey(framework: key.framework, task: taskID), policy: nil)
            }
        }
    }
}
