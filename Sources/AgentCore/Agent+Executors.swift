import ClusterProtocol

/// The executor API (`/api/v1/executor`): custom executors subscribe, send status updates
/// and messages; the agent sends them their tasks, kills, acknowledgements and SHUTDOWN.
extension Agent {
    mutating func onExecutorSubscribe(_ call: Mesos.ExecutorCall, stream: StreamID) -> AgentReply {
        let key = ExecutorKey(framework: call.frameworkID, executor: call.executorID)
        guard let run = executors[key], run.kind == .custom else {
            return .rejected(
                status: 400,
                message: "Executor \(call.executorID) of framework \(call.frameworkID) is not known to this agent")
        }
        guard run.phase != .terminated, !isShuttingDown(key) else {
            return .rejected(status: 400, message: "Executor \(call.executorID) is shutting down")
        }
        if let old = run.stream {
            emit(.closeExecutorStream(old))
            executorStreams[old] = nil
        }
        executors[key]!.stream = stream
        executors[key]!.phase = .running
        executorStreams[stream] = key
        var subscribed = Mesos.ExecutorEvent.Subscribed(
            executorInfo: run.info, frameworkInfo: frameworks[key.framework] ?? Mesos.FrameworkInfo(user: "", name: ""),
            agentInfo: registeredAgentInfo)
        subscribed.containerID = run.containerID
        emit(.sendToExecutor(stream, Mesos.ExecutorEvent(type: .subscribed, subscribed: subscribed)))
        for task in run.queued {
            emit(.sendToExecutor(stream, Mesos.ExecutorEvent(type: .launch, launch: .init(task: task))))
        }
        for group in run.queuedGroups {
            emit(.sendToExecutor(stream, Mesos.ExecutorEvent(type: .launchGroup, launchGroup: .init(taskGroup: group))))
        }
        executors[key]!.queued = []
        executors[key]!.queuedGroups = []
        log("Executor \(call.executorID) of framework \(call.frameworkID) subscribed")
        return .streaming
    }

    mutating func onExecutorCall(_ call: Mesos.ExecutorCall) -> AgentReply {
        let key = ExecutorKey(framework: call.frameworkID, executor: call.executorID)
        guard let run = executors[key], run.stream != nil else {
            return .rejected(
                status: 403, message: "Executor \(call.executorID) of framework \(call.frameworkID) is not subscribed")
        }
        switch call.type {
        case .update:
            guard let status = call.update?.status else {
                return .rejected(status: 400, message: "Expecting 'update' to be present")
            }
            return onExecutorUpdate(status, from: key)
        case .message:
            guard let data = call.message?.data else {
                return .rejected(status: 400, message: "Expecting 'message' to be present")
            }
            let message = AgentCall.Message(frameworkID: key.framework, executorID: key.executor, data: data)
            emit(.sendToMaster(AgentCall(type: .message, agentID: agentID, message: message)))
            return .accepted
        case .heartbeat:
            return .accepted
        case .subscribe:
            return .rejected(status: 400, message: "SUBSCRIBE opens a stream")
        default:
            return .rejected(status: 400, message: "\(call.type.rawValue) is not supported")
        }
    }

    /// An executor's status update: checked (a uuid of 16 bytes, a task of its own, a state
    /// an executor may send), recorded, queued for the master, acknowledged to the executor.
    private mutating func onExecutorUpdate(_ status: Mesos.TaskStatus, from key: ExecutorKey) -> AgentReply {
        guard let uuid = status.uuid, uuid.bytes.count == 16 else {
            return .rejected(status: 400, message: "'TaskStatus.uuid' must be 16 bytes")
        }
        guard executors[key]!.tasks[status.taskID] != nil else {
            return .rejected(status: 400, message: "Task \(status.taskID) is not a task of executor \(key.executor)")
        }
        guard status.state != .staging, status.state != .unknown else {
            return .rejected(status: 400, message: "An executor may not send \(status.state.rawValue)")
        }
        let taskKey = TaskKey(framework: key.framework, task: status.taskID)
        guard updates.pendingCount(taskKey) < config.pendingUpdatesPerTaskMax else {
            return .rejected(
                status: 429,
                message:
                    "Task \(status.taskID) has \(config.pendingUpdatesPerTaskMax) unacknowledged updates; wait for acknowledgements"
            )
        }
        var status = status
        status.source = .executor
        if status.timestamp == nil { status.timestamp = timestamp }
        record(status, for: taskKey)
        if let stream = executors[key]!.stream {
            let ack = Mesos.ExecutorEvent.Acknowledged(taskID: status.taskID, uuid: uuid)
            emit(.sendToExecutor(stream, Mesos.ExecutorEvent(type: .acknowledged, acknowledged: ack)))
        }
        return .accepted
    }

    /// The executor's stream ended; its process may still run (it will be killed if it
    /// does not come back before the registration timeout) — Mesos waits for the process.
    mutating func onExecutorClosed(_ stream: StreamID) {
        guard let key = executorStreams.removeValue(forKey: stream), executors[key]?.stream == stream else { return }
        executors[key]!.stream = nil
        if executors[key]!.phase == .running {
            executors[key]!.phase = .launching(deadline: now + config.executorRegistrationTimeout)
        }
        log("Executor \(key.executor) of framework \(key.framework) closed its stream")
    }

    /// The agent as executors see it: with its id once registered.
    var registeredAgentInfo: Mesos.AgentInfo {
        var info = config.agentInfo
        info.id = agentID
        return info
    }
}
