import ClusterProtocol

/// Containers start and end: the task states that follow (what Mesos' command executor
/// and default executor report), and a custom executor's tasks when its process ends.
extension Agent {
    mutating func onContainerStarted(_ id: Mesos.ContainerID, _ process: ProcessIdentity) {
        containers[id]?.process = process
        guard let owner = containers[id], let taskID = owner.task else { return }
        let key = TaskKey(framework: owner.executor.framework, task: taskID)
        guard let task = executors[owner.executor]?.tasks[taskID], !task.state.isTerminal else { return }
        report(key, state: .running, source: .executor)
        startHealthChecks(key, task: task, executor: executors[owner.executor]!)
    }

    mutating func onContainerFailedToStart(_ id: Mesos.ContainerID, message: String) {
        guard let owner = containers.removeValue(forKey: id) else { return }
        log("Container \(id) failed to start: \(message)")
        if let taskID = owner.task {
            report(
                TaskKey(framework: owner.executor.framework, task: taskID), state: .failed, source: .agent,
                reason: .containerLaunchFailed, message: "Failed to launch container: \(message)")
            endTaskContainer(owner.executor)
        } else {
            executorEnded(
                owner.executor, message: "Failed to launch executor: \(message)", reason: .containerLaunchFailed)
        }
    }

    mutating func onContainerExited(_ id: Mesos.ContainerID, _ termination: ContainerExit) {
        guard let owner = containers.removeValue(forKey: id) else { return }
        guard let taskID = owner.task else {
            let how = Self.describe(termination)
            log("Executor \(owner.executor.executor) of framework \(owner.executor.framework) ended: \(how)")
            let reason: Mesos.TaskStatus.Reason =
                termination.memoryLimitExceeded ? .containerLimitationMemory : .executorTerminated
            executorEnded(
                owner.executor,
                message: termination.memoryLimitExceeded ? memoryMessage(termination) : "Executor terminated: \(how)",
                reason: reason, status: termination.waitStatus)
            return
        }
        let key = TaskKey(framework: owner.executor.framework, task: taskID)
        if let task = executors[owner.executor]?.tasks[taskID], !task.state.isTerminal {
            reportEnd(key, task: task, termination)
            if executors[owner.executor]?.kind == .taskGroup,
                executors[owner.executor]!.tasks[taskID]!.state != .finished
            {
                killGroup(owner.executor, because: taskID)
            }
        }
        stopHealthChecks(key)
        endTaskContainer(owner.executor)
    }

    /// How a task ended, as the command executor says it.
    private mutating func reportEnd(_ key: TaskKey, task: TaskRun, _ termination: ContainerExit) {
        if termination.memoryLimitExceeded {
            report(
                key, state: .failed, source: .agent, reason: .containerLimitationMemory,
                message: memoryMessage(termination))
        } else if let entry = health[key], entry.killed {
            reportKilledUnhealthy(key, failures: entry.failures)
        } else if task.killRequested || task.groupFailure != nil {
            report(
                key, state: .killed, source: .executor,
                message: task.groupFailure ?? "Command terminated: \(Self.describe(termination))")
        } else if termination.statusUnknown {
            // Mesos' agent for an executor it lost track of across a restart.
            report(
                key, state: .failed, source: .agent, reason: .executorTerminated,
                message: "Abnormal executor termination: \(termination.message ?? "exit status unknown")")
        } else if termination.exitStatus == 0 {
            report(key, state: .finished, source: .executor, message: "Command exited with status 0")
        } else {
            report(key, state: .failed, source: .executor, message: "Command \(Self.describe(termination))")
        }
    }

    private func memoryMessage(_ termination: ContainerExit) -> String {
        termination.message ?? "Memory limit exceeded"
    }

    /// The default executor kills a group's other tasks when one of them does not finish.
    private mutating func killGroup(_ key: ExecutorKey, because failed: Mesos.TaskID) {
        guard let run = executors[key] else { return }
        for taskID in run.tasks.keys.sorted() where taskID != failed && !run.tasks[taskID]!.state.isTerminal {
            executors[key]!.tasks[taskID]!.groupFailure = "Killed because task \(failed) of its group ended"
            if let containerID = run.tasks[taskID]!.containerID {
                emit(.kill(containerID, gracePeriod: config.killGracePeriod))
            }
        }
    }

    /// A task's own container ended: its executor (command, or a group with every task
    /// done) is over.
    private mutating func endTaskContainer(_ key: ExecutorKey) {
        guard let run = executors[key], run.kind != .custom else { return }
        let running = run.tasks.values.contains { task in task.containerID.map { containers[$0] != nil } ?? false }
        guard !running else { return }
        executors[key]!.phase = .terminated
        if run.kind == .taskGroup {
            emit(
                .sendToMaster(
                    AgentCall(
                        type: .executorExited, agentID: agentID,
                        executorExited: .init(frameworkID: key.framework, executorID: key.executor, status: 0))))
        }
        for taskID in run.tasks.keys.sorted() { removeTaskIfDone(TaskKey(framework: key.framework, task: taskID)) }
        removeExecutorIfDone(key)
    }

    /// A custom executor's process is gone: its unfinished tasks fail, the master hears.
    mutating func executorEnded(
        _ key: ExecutorKey, message: String, reason: Mesos.TaskStatus.Reason, status: Int32? = nil
    ) {
        guard let run = executors[key] else { return }
        if let stream = run.stream {
            emit(.closeExecutorStream(stream))
            executorStreams[stream] = nil
        }
        executors[key]!.stream = nil
        executors[key]!.phase = .terminated
        var (state, reason, message) = (isShutdownKill(run) ? Mesos.TaskState.killed : .failed, reason, message)
        if run.missedRegistration {
            (state, reason, message) = (
                .failed, .executorRegistrationTimeout,
                "Executor did not subscribe within \(config.executorRegistrationTimeout) ms"
            )
        }
        for taskID in run.tasks.keys.sorted() where !run.tasks[taskID]!.state.isTerminal {
            report(
                TaskKey(framework: key.framework, task: taskID), state: state, source: .agent, reason: reason,
                message: message)
        }
        executors[key]!.queued = []
        executors[key]!.queuedGroups = []
        emit(
            .sendToMaster(
                AgentCall(
                    type: .executorExited, agentID: agentID,
                    executorExited: .init(frameworkID: key.framework, executorID: key.executor, status: status))))
        for taskID in run.tasks.keys.sorted() { removeTaskIfDone(TaskKey(framework: key.framework, task: taskID)) }
        removeExecutorIfDone(key)
    }

    private func isShutdownKill(_ run: ExecutorRun) -> Bool {
        if case .shuttingDown = run.phase { return true }
        return false
    }

    /// "exited with status 3", "terminated by signal 9".
    static func describe(_ termination: ContainerExit) -> String {
        if let status = termination.exitStatus { return "exited with status \(status)" }
        if let signal = termination.signal { return "terminated by signal \(signal)" }
        return "ended"
    }
}
