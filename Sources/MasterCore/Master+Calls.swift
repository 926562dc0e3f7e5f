import ClusterCore
import ClusterProtocol

/// The scheduler calls other than SUBSCRIBE, each checked to come from the framework's
/// current stream first (403 or 400 otherwise), then answered 202 or 400.
extension Master {
    mutating func onSchedulerCall(_ call: Mesos.SchedulerCall, streamID: String?) -> MasterReply {
        if call.type == .subscribe {
            return .rejected(status: 400, message: "SUBSCRIBE opens a stream; send it without 'Mesos-Stream-Id'")
        }
        let framework: Caller
        switch subscribedFramework(call, streamID: streamID) {
        case .success(let caller): framework = caller
        case .failure(let refusal): return refusal.reply
        }
        do {
            try dispatch(call, from: framework)
            return .accepted
        } catch {
            return error.reply
        }
    }

    private mutating func dispatch(_ call: Mesos.SchedulerCall, from framework: Caller) throws(CallRefusal) {
        switch call.type {
        case .teardown: removeFramework(framework.id, reason: "the framework asked (TEARDOWN)")
        case .accept: onAccept(try required(call.accept, "accept"), from: framework)
        case .decline: onDecline(try required(call.decline, "decline"), from: framework)
        case .kill: try onKill(try required(call.kill, "kill"), from: framework)
        case .acknowledge: try onAcknowledge(try required(call.acknowledge, "acknowledge"), from: framework)
        case .reconcile: onReconcile(try required(call.reconcile, "reconcile"), from: framework)
        case .revive: try onRevive(call.revive?.roles ?? [], from: framework)
        case .suppress: try onSuppress(call.suppress?.roles ?? [], from: framework)
        case .message: try onMessage(try required(call.message, "message"), from: framework)
        case .shutdown: try onShutdown(try required(call.shutdown, "shutdown"), from: framework)
        case .request: break  // Mesos passes REQUEST to the allocator, which ignores it.
        default:
            throw CallRefusal(400, "\(call.type.rawValue) is not supported by this master")
        }
    }

    private func required<T>(_ payload: T?, _ name: String) throws(CallRefusal) -> T {
        guard let payload else { throw CallRefusal(400, "Expecting '\(name)' to be present") }
        return payload
    }

    private mutating func onDecline(_ decline: Mesos.SchedulerCall.Decline, from framework: Caller) {
        let refuse = decline.filters?.refuseSeconds.map(Self.milliseconds)
        for wireID in decline.offerIDs {
            guard let id = offerID(wireID), allocator.offers[id]?.framework == framework.modelID else { continue }
            let agent = allocator.offers[id]!.agent
            try? allocator.decline(id, refuse: refuse, now: now)
            offerMadeAt[id] = nil
            allocateSoon(on: Mesos.AgentID(value: agent.value))
        }
    }

    private mutating func onRevive(_ roles: [String], from framework: Caller) throws(CallRefusal) {
        do {
            try allocator.revive(framework.modelID, roles: roles.isEmpty ? nil : roles)
        } catch {
            throw CallRefusal(400, "\(error)")
        }
        allocateSoon()
    }

    private mutating func onSuppress(_ roles: [String], from framework: Caller) throws(CallRefusal) {
        do {
            try allocator.suppress(framework.modelID, roles: roles.isEmpty ? nil : roles)
        } catch {
            throw CallRefusal(400, "\(error)")
        }
    }

    private mutating func onMessage(_ message: Mesos.SchedulerCall.Message, from framework: Caller)
        throws(CallRefusal)
    {
        guard let stream = agents[message.agentID]?.stream else {
            throw CallRefusal(400, "Agent \(message.agentID) is not registered")
        }
        let payload = AgentEvent.Message(
            frameworkID: framework.id, executorID: message.executorID, data: message.data)
        emit(.sendToAgent(stream, AgentEvent(type: .message, message: payload)))
    }

    private mutating func onShutdown(_ shutdown: Mesos.SchedulerCall.Shutdown, from framework: Caller)
        throws(CallRefusal)
    {
        guard let stream = agents[shutdown.agentID]?.stream else {
            throw CallRefusal(400, "Agent \(shutdown.agentID) is not registered")
        }
        let payload = AgentEvent.ShutdownExecutor(frameworkID: framework.id, executorID: shutdown.executorID)
        emit(.sendToAgent(stream, AgentEvent(type: .shutdownExecutor, shutdownExecutor: payload)))
    }

    /// Seconds as a framework gives them (refuse_seconds) in milliseconds, within the
    /// allocator's bounds; NaN and negatives mean the default.
    static func milliseconds(_ seconds: Double) -> Int64 {
        guard seconds.isFinite, seconds >= 0 else { return -1 }
        return Int64(min(seconds, Double(AllocatorConfig.refuseMax / 1000)) * 1000)
    }

    /// The allocator's offer behind a wire offer id this master made.
    func offerID(_ wire: Mesos.OfferID) -> OfferID? {
        let prefix = config.idPrefix + "-O"
        guard wire.value.hasPrefix(prefix), let number = UInt64(wire.value.dropFirst(prefix.count)) else { return nil }
        return OfferID(number)
    }

    func wireOfferID(_ id: OfferID) -> Mesos.OfferID { Mesos.OfferID(value: config.idPrefix + "-O" + String(id.value)) }
}
