import ClusterCore
import ClusterProtocol

/// Running what the master sends: command tasks, task groups, tasks for custom executors.
extension Agent {
    mutating func runTask(_ task: Mesos.TaskInfo, framework: Mesos.FrameworkInfo) {
        let frameworkID = framework.id!
        guard let executor = task.executor else {
            runCommandTask(task, frameworkID: frameworkID)
            return
        }
        let executorKey = ExecutorKey(framework: frameworkID, executor: executor.executorID)
        if executors[executorKey] == nil {
            if let problem = startCustomExecutor(executor, frameworkID: frameworkID) {
                failLaunch(task, frameworkID: frameworkID, message: problem)
                return
            }
        }
        guard executors[executorKey]!.phase != .terminated, !isShuttingDown(executorKey) else {
            failLaunch(task, frameworkID: frameworkID, message: "Executor \(executor.executorID) is shutting down")
            return
        }
        executors[executorKey]!.tasks[task.taskID] = TaskRun(info: task, state: .staging)
        taskExecutors[TaskKey(framework: frameworkID, task: task.taskID)] = executorKey
        growLimits(executorKey)
        if let stream = executors[executorKey]!.stream {
            emit(.sendToExecutor(stream, Mesos.ExecutorEvent(type: .launch, launch: .init(task: task))))
        } else {
            executors[executorKey]!.queued.append(task)
        }
    }

    /// A command task: the agent runs its command as the executor's one process.
    private mutating func runCommandTask(_ task: Mesos.TaskInfo, frameworkID: Mesos.FrameworkID) {
        let executorID = Mesos.ExecutorID(value: task.taskID.value)
        let key = ExecutorKey(framework: frameworkID, executor: executorID)
        guard executors[key] == nil, executors.count < config.executorsMax else {
            failLaunch(
                task, frameworkID: frameworkID,
                message: executors[key] == nil
                    ? "Too many executors on this agent" : "Task \(task.taskID) is already running")
            return
        }
        let containerID = newContainerID()
        let sandbox = sandboxPath(frameworkID, executorID, containerID)
        var info = Mesos.ExecutorInfo(executorID: executorID)
        info.frameworkID = frameworkID
        info.name = "Command Executor (Task: \(task.taskID.value))"
        var run = ExecutorRun(
            info: info, frameworkID: frameworkID, kind: .command, containerID: containerID, sandbox: sandbox,
            stream: nil,
            phase: .running)
        run.tasks[task.taskID] = TaskRun(info: task, state: .staging, containerID: containerID)
        taskExecutors[TaskKey(framework: frameworkID, task: task.taskID)] = key
        executors[key] = run
        containers[containerID] = ContainerOwner(executor: key, task: task.taskID)
        let command = task.command!
        var environment = baseEnvironment(frameworkID, executorID, sandbox: sandbox)
        environment.merge(Self.taskEnvironment(task)) { _, task in task }
        emit(
            .launch(
                ContainerLaunch(
                    containerID: containerID, sandbox: sandbox, argv: Self.argv(command), environment: environment,
                    limits: Self.limits(task.resources), user: user(command, frameworkID))))
        report(TaskKey(framework: frameworkID, task: task.taskID), state: .starting, source: .executor)
    }

    mutating func runTaskGroup(
        _ group: Mesos.TaskGroupInfo, executor: Mesos.ExecutorInfo, framework: Mesos.FrameworkInfo
    ) {
        let frameworkID = framework.id!
        let key = ExecutorKey(framework: frameworkID, executor: executor.executorID)
        if executor.type != .default {
            if executors[key] == nil, let problem = startCustomExecutor(executor, frameworkID: frameworkID) {
                for task in group.tasks { failLaunch(task, frameworkID: frameworkID, message: problem) }
                return
            }
            for task in group.tasks {
                executors[key]!.tasks[task.taskID] = TaskRun(info: task, state: .staging)
                taskExecutors[TaskKey(framework: frameworkID, task: task.taskID)] = key
            }
            growLimits(key)
            if let stream = executors[key]!.stream {
                emit(
                    .sendToExecutor(
                        stream, Mesos.ExecutorEvent(type: .launchGroup, launchGroup: .init(taskGroup: group))))
            } else {
                executors[key]!.queuedGroups.append(group)
            }
            return
        }
        if executors[key] == nil {
            guard executors.count < config.executorsMax else {
                for task in group.tasks {
                    failLaunch(task, frameworkID: frameworkID, message: "Too many executors on this agent")
                }
                return
            }
            let sandbox = sandboxPath(frameworkID, executor.executorID, newContainerID())
            executors[key] = ExecutorRun(
                info: executor, frameworkID: frameworkID, kind: .taskGroup, containerID: nil, sandbox: sandbox,
                stream: nil, phase: .running)
        }
        for task in group.tasks { startGroupTask(task, in: key) }
    }

    /// One task of a group on the default executor, in a container of its own with its
    /// sandbox under the executor's.
    private mutating func startGroupTask(_ task: Mesos.TaskInfo, in key: ExecutorKey) {
        let run = executors[key]!
        let containerID = newContainerID()
        let sandbox = run.sandbox + "/tasks/" + task.taskID.value
        executors[key]!.tasks[task.taskID] = TaskRun(info: task, state: .staging, containerID: containerID)
        taskExecutors[TaskKey(framework: key.framework, task: task.taskID)] = key
        containers[containerID] = ContainerOwner(executor: key, task: task.taskID)
        var environment = baseEnvironment(key.framework, key.executor, sandbox: sandbox)
        environment.merge(Self.taskEnvironment(task)) { _, task in task }
        emit(
            .launch(
                ContainerLaunch(
                    containerID: containerID, sandbox: sandbox, argv: Self.argv(task.command!),
                    environment: environment, limits: Self.limits(task.resources),
                    user: user(task.command!, key.framework, executor: run.info.command))))
        report(TaskKey(framework: key.framework, task: task.taskID), state: .starting, source: .executor)
    }

    /// Starts a custom executor's process; it has `executorRegistrationTimeout` to
    /// subscribe. Returns why it cannot start, if it cannot.
    private mutating func startCustomExecutor(_ executor: Mesos.ExecutorInfo, frameworkID: Mesos.FrameworkID) -> String?
    {
        guard executors.count < config.executorsMax else {
            return "Too many executors on this agent (\(config.executorsMax))"
        }
        guard let command = executor.command else { return "Executor \(executor.executorID) has no command to run" }
        let containerID = newContainerID()
        let sandbox = sandboxPath(frameworkID, executor.executorID, containerID)
        let key = ExecutorKey(framework: frameworkID, executor: executor.executorID)
        executors[key] = ExecutorRun(
            info: executor, frameworkID: frameworkID, kind: .custom, containerID: containerID, sandbox: sandbox,
            stream: nil, phase: .launching(deadline: now + config.executorRegistrationTimeout))
        containers[containerID] = ContainerOwner(executor: key, task: nil)
        var environment = baseEnvironment(frameworkID, executor.executorID, sandbox: sandbox)
        for variable in command.environment?.variables ?? [] { environment[variable.name] = variable.value ?? "" }
        emit(
            .launch(
                ContainerLaunch(
                    containerID: containerID, sandbox: sandbox, argv: Self.argv(command), environment: environment,
                    limits: Self.limits(executor.resources), user: user(command, frameworkID), executor: key)))
        log("Starting executor \(executor.executorID) of framework \(frameworkID) in container \(containerID)")
        return nil
    }

    /// A custom executor's container grows to hold a new task's resources too.
    private mutating func growLimits(_ key: ExecutorKey) {
        guard let run = executors[key], let containerID = run.containerID, run.kind == .custom else { return }
        var all = run.info.resources
        for task in run.tasks.values where !task.state.isTerminal { all += task.info.resources }
        emit(.updateLimits(containerID, Self.limits(all)))
    }

    /// A task the agent cannot start: TASK_FAILED at once, from the agent.
    private mutating func failLaunch(_ task: Mesos.TaskInfo, frameworkID: Mesos.FrameworkID, message: String) {
        var status = Mesos.TaskStatus(taskID: task.taskID, state: .failed)
        status.source = .agent
        status.reason = .containerLaunchFailed
        status.message = message
        status.timestamp = timestamp
        status.uuid = Mesos.Bytes(uniqueBytes())
        status.agentID = agentID
        if let call = updates.add(
            status, for: TaskKey(framework: frameworkID, task: task.taskID), now: now, online: connection == .registered
        ) {
            emit(.sendToMaster(AgentCall(type: .update, agentID: agentID, update: call)))
        }
    }

    func isShuttingDown(_ key: ExecutorKey) -> Bool {
        if case .shuttingDown = executors[key]?.phase { return true }
        return false
    }

    /// `<work dir>/slaves/<agent>/frameworks/<framework>/executors/<executor>/runs/<container>`, as Mesos lays it out.
    func sandboxPath(_ framework: Mesos.FrameworkID, _ executor: Mesos.ExecutorID, _ container: Mesos.ContainerID)
        -> String
    {
        config.workDir + "/slaves/" + (agentID?.value ?? "unregistered") + "/frameworks/" + framework.value
            + "/executors/" + executor.value + "/runs/" + container.value
    }
}

extension Agent {
    /// The user a container runs as under `switchUser`: the command's, else its executor's,
    /// else the framework's; nil (the agent's own) without `switchUser`.
    func user(
        _ command: Mesos.CommandInfo, _ frameworkID: Mesos.FrameworkID, executor: Mesos.CommandInfo? = nil
    ) -> String? {
        guard config.switchUser else { return nil }
        guard let framework = frameworks[frameworkID] else { return command.user ?? executor?.user }
        return command.runsAs(executor: executor, frameworkUser: framework.user)
    }
}
