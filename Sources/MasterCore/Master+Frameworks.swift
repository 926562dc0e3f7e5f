import ClusterCore
import ClusterProtocol

/// Frameworks come and go: SUBSCRIBE (new, or again with the id they were given), a
/// stream that ends, the failover timeout, TEARDOWN.
extension Master {
    mutating func onSubscribe(_ call: Mesos.SchedulerCall, stream: StreamID) -> MasterReply {
        guard let subscribe = call.subscribe else {
            return .rejected(status: 400, message: "Expecting 'subscribe' to be present")
        }
        var info = subscribe.frameworkInfo
        if let problem = FrameworkValidation.problem(in: info, call: call) {
            return .rejected(status: 400, message: problem)
        }
        if let refusal = registrationRefusal(info) { return refusal }
        if let id = info.id, frameworks[id] == nil, completedFrameworks.contains(where: { $0.id == id }) {
            // Torn down (by itself, the operator or its failover timeout): as in Mesos, the
            // id is not taken back; the scheduler must subscribe anew without it.
            return .rejected(status: 403, message: "Framework has been removed")
        }
        if let id = info.id, frameworks[id] != nil {
            return resubscribe(id, info: info, suppressed: subscribe.suppressedRoles, stream: stream)
        }
        guard frameworks.count < config.frameworksMax else {
            return .rejected(
                status: 503,
                message:
                    "This master holds \(config.frameworksMax) frameworks, its maximum; remove one (TEARDOWN) first")
        }
        if info.id == nil {
            info.id = Mesos.FrameworkID(value: frameworkID(nextFrameworkNumber))
            nextFrameworkNumber += 1
        }
        let id = info.id!
        do {
            try allocator.addFramework(
                FrameworkID(id.value), roles: info.effectiveRoles, suppressedRoles: subscribe.suppressedRoles)
        } catch {
            return .rejected(status: 400, message: "Invalid framework: \(error)")
        }
        frameworks[id] = FrameworkRecord(
            info: info, stream: stream, active: true, registeredAt: now, nextHeartbeatAt: now + config.heartbeatInterval
        )
        frameworkStreams[stream] = id
        log("Framework \(id) (\(info.name)) subscribed with roles \(info.effectiveRoles) on stream \(stream)")
        recordFramework(info)
        sendSubscribed(id, stream: stream)
        emit(.publish(.frameworkAdded(operatorFramework(frameworks[id]!))))
        allocateSoon()
        return .streaming
    }

    /// A framework subscribes again, after its scheduler failed over or its connection
    /// broke: the new stream replaces the old one, which hears an ERROR and is closed.
    private mutating func resubscribe(
        _ id: Mesos.FrameworkID, info: Mesos.FrameworkInfo, suppressed: [String], stream: StreamID
    ) -> MasterReply {
        var record = frameworks[id]!
        guard Set(info.effectiveRoles) == Set(record.info.effectiveRoles) else {
            return .rejected(
                status: 400,
                message:
                    "Framework \(id) subscribed with roles \(record.info.effectiveRoles); changing them is not supported"
            )
        }
        // Who the framework is and whom its tasks run as stay: otherwise another principal
        // could take a framework over by subscribing with its id (Mesos refuses it too).
        guard info.principal == record.info.principal, info.user == record.info.user else {
            return .rejected(
                status: 403,
                message:
                    "Framework \(id) subscribed as principal '\(record.info.principal ?? "")' and user '\(record.info.user)'; changing them is not allowed"
            )
        }
        if let old = record.stream, old != stream {
            emit(.sendToFramework(old, .error("Framework failed over")))
            emit(.closeFrameworkStream(old))
            frameworkStreams[old] = nil
        }
        record.info = info
        record.stream = stream
        record.active = true
        record.reregisteredAt = now
        record.disconnectedAt = nil
        record.failoverDeadline = nil
        record.nextHeartbeatAt = now + config.heartbeatInterval
        frameworks[id] = record
        frameworkStreams[stream] = id
        let modelID = FrameworkID(id.value)
        try? allocator.activateFramework(modelID)
        try? allocator.revive(modelID)
        if !suppressed.isEmpty { try? allocator.suppress(modelID, roles: suppressed) }
        log("Framework \(id) (\(info.name)) subscribed again on stream \(stream)")
        recordFramework(info)
        sendSubscribed(id, stream: stream)
        emit(.publish(.frameworkUpdated(operatorFramework(record))))
        allocateSoon()
        return .streaming
    }

    private mutating func sendSubscribed(_ id: Mesos.FrameworkID, stream: StreamID) {
        let subscribed = Mesos.SchedulerEvent.Subscribed(
            frameworkID: id, heartbeatIntervalSeconds: Double(config.heartbeatInterval) / 1000,
            masterInfo: config.masterInfo)
        emit(.sendToFramework(stream, Mesos.SchedulerEvent(type: .subscribed, subscribed: subscribed)))
        emit(.sendToFramework(stream, .heartbeat))
    }

    /// The scheduler's stream ended: the framework is inactive, its offers go back, and it
    /// is removed with its tasks unless it subscribes again within its failover_timeout.
    mutating func onSchedulerClosed(_ stream: StreamID) {
        guard let id = frameworkStreams.removeValue(forKey: stream), var record = frameworks[id],
            record.stream == stream
        else { return }
        record.stream = nil
        record.active = false
        record.disconnectedAt = now
        let timeout = record.info.failoverTimeout ?? 0
        record.failoverDeadline = now + Int64(max(0, min(timeout, 365 * 24 * 3600)) * 1000)
        if record.failoverDeadline! <= now { isRemovalDue = true }
        frameworks[id] = record
        for offer in (try? allocator.deactivateFramework(record.modelID)) ?? [] { offerMadeAt[offer.id] = nil }
        log(
            "Framework \(id) (\(record.info.name)) disconnected; it is removed in \(timeout) s unless it subscribes again"
        )
        emit(.publish(.frameworkUpdated(operatorFramework(record))))
        allocateSoon()
    }

    /// Removes a framework: its tasks are killed (the agents shut its executors down) and
    /// its resources go back to the allocator.
    /// The operator's TEARDOWN: the framework is removed and its tasks killed, as its own
    /// TEARDOWN would; an unknown id is a 400, as in Mesos.
    mutating func onOperatorTeardown(_ id: Mesos.FrameworkID) -> MasterReply {
        guard frameworks[id] != nil else {
            return .rejected(status: 400, message: "No framework found with specified ID")
        }
        removeFramework(id, reason: "the operator asked (TEARDOWN)")
        return .accepted
    }

    mutating func removeFramework(_ id: Mesos.FrameworkID, reason: String) {
        guard var record = frameworks.removeValue(forKey: id) else { return }
        if let stream = record.stream {
            emit(.sendToFramework(stream, .error("Framework removed: \(reason)")))
            emit(.closeFrameworkStream(stream))
            frameworkStreams[stream] = nil
            record.stream = nil
        }
        var agentsToTell = Set(record.executors.keys)
        for task in record.tasks.values.sorted(by: { $0.key < $1.key }) {
            agentsToTell.insert(task.agentID)
            agents[task.agentID]?.tasks.remove(task.key)
            var ended = task
            if !ended.isTerminal { ended.state = .killed }
            record.complete(ended, keeping: config.completedTasksPerFrameworkMax)
        }
        for agentID in agentsToTell.sorted() {
            guard let stream = agents[agentID]?.stream else { continue }
            emit(.sendToAgent(stream, AgentEvent(type: .shutdownFramework, shutdownFramework: .init(frameworkID: id))))
        }
        for offer in (try? allocator.removeFramework(record.modelID)) ?? [] { offerMadeAt[offer.id] = nil }
        executorResources = executorResources.filter { $0.key.framework != id }
        record.active = false
        completedFrameworks.append(record, keeping: config.completedFrameworksMax)
        log("Framework \(id) (\(record.info.name)) removed: \(reason)")
        forgetFramework(id)
        emit(.publish(.frameworkRemoved(record.info)))
        allocateSoon()
    }

    /// The framework whose current stream this is, if the call may speak for it: 403 for a
    /// framework not subscribed, 400 for a stream id that is not its stream's.
    func subscribedFramework(
        _ call: Mesos.SchedulerCall, streamID: String?
    ) -> Result<Caller, CallRefusal> {
        guard let id = call.frameworkID else {
            return .failure(CallRefusal(400, "Expecting 'framework_id' to be present"))
        }
        guard let record = frameworks[id], let stream = record.stream else {
            return .failure(CallRefusal(403, "Framework \(id) is not subscribed"))
        }
        guard let streamID else {
            return .failure(CallRefusal(400, "All non-subscribe calls should include the 'Mesos-Stream-Id' header"))
        }
        guard streamID == stream.value else {
            return .failure(
                CallRefusal(
                    400,
                    "The stream ID '\(streamID)' included in this request didn't match the stream ID currently associated with framework ID \(id)"
                ))
        }
        return .success(Caller(id: id, isPartitionAware: record.isPartitionAware))
    }
}

/// The framework a call came from: what the handlers need of it, not its record. A copy of
/// the record would share its task table, and the handlers' writes to the table would then
/// copy all of it, on every call.
struct Caller {
    let id: Mesos.FrameworkID
    let isPartitionAware: Bool

    var modelID: FrameworkID { FrameworkID(id.value) }
}

/// A call refused before it does anything: the HTTP status and why.
struct CallRefusal: Error {
    var status: Int
    var message: String

    init(_ status: Int, _ message: String) {
        self.status = status
        self.message = message
    }

    var reply: MasterReply { .rejected(status: status, message: message) }
}
