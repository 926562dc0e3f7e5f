import ClusterEdge
import ClusterProtocol
import HTTPTypes
import Hummingbird
import MasterCore

/// `POST /api/v1` (also `/api/v1/operator`): Mesos' operator API, the GET_* calls and the
/// SUBSCRIBE event stream. Calls may come without an Accept header; answers are JSON.
struct OperatorEndpoint: Sendable {
    let host: MasterHost
    let requestBytesMax: Int
    /// How often a SUBSCRIBE stream hears HEARTBEAT.
    let heartbeatInterval: Duration
    let access: MasterAccess

    func handle(_ request: Request) async throws -> Response {
        var request = request
        guard request.method == .post else { return HTTPReplies.methodNotAllowed(request, allowed: [.post]) }
        let call: Mesos.OperatorCall
        switch try await HTTPReplies.call(Mesos.OperatorCall.self, from: &request, limit: requestBytesMax) {
        case .call(let decoded): call = decoded
        case .refused(let refusal): return refusal
        }
        if let problem = ContentNegotiation.acceptProblem(request) { return problem }
        switch call.type {
        case .getHealth: return HTTPReplies.json(MesosJSON.encode(Mesos.OperatorResponse.getHealth(healthy: true)))
        case .getVersion: return HTTPReplies.json(MesosJSON.encode(Self.version))
        default: break
        }
        if let redirect = Redirect.ifStandingBy(host, request) { return redirect }
        if call.type == .subscribe { return await subscribe(request) }
        if call.type == .teardown { return await teardown(call, request) }
        switch Self.maintenance(call) {
        case .success(let maintenance?):
            if let refusal = access.refusal(maintenance.action, request, object: maintenance.agentID.value) {
                return refusal
            }
            return await maintain(maintenance)
        case .failure(let missing): return HTTPReplies.text(.badRequest, "Expecting '\(missing.key)'")
        case .success(nil): break
        }
        let electedAt = await host.electedAt
        let startedAt = host.startedAt
        let principal = access.principal(request)
        let response = await host.read { whole -> Mesos.OperatorResponse? in
            let master = whole.visible(to: principal)
            switch call.type {
            case .getMaster:
                return Mesos.OperatorResponse(
                    type: .getMaster,
                    getMaster: .init(
                        masterInfo: master.config.masterInfo, startTime: Double(startedAt) / 1000,
                        electedTime: electedAt.map { Double($0) / 1000 }))
            case .getState: return Mesos.OperatorResponse(type: .getState, getState: master.operatorState)
            case .getAgents: return Mesos.OperatorResponse(type: .getAgents, getAgents: master.operatorAgents)
            case .getFrameworks:
                return Mesos.OperatorResponse(type: .getFrameworks, getFrameworks: master.operatorFrameworks)
            case .getTasks: return Mesos.OperatorResponse(type: .getTasks, getTasks: master.operatorTasks)
            case .getExecutors:
                return Mesos.OperatorResponse(type: .getExecutors, getExecutors: master.operatorExecutors)
            case .getRoles: return Mesos.OperatorResponse(type: .getRoles, getRoles: master.operatorRoles)
            default: return nil
            }
        }
        guard let response else { return Redirect.leadershipLost }
        guard let response else {
            return HTTPReplies.text(.badRequest, "\(call.type.rawValue) is not supported by this master")
        }
        return HTTPReplies.json(MesosJSON.encode(response))
    }

    /// DRAIN_AGENT, DEACTIVATE_AGENT, REACTIVATE_AGENT and MARK_AGENT_GONE as the core
    /// takes them; nil for any other call.
    static func maintenance(_ call: Mesos.OperatorCall) -> Result<MaintenanceCall?, PayloadMissing> {
        func agent(_ payload: Mesos.OperatorCall.AgentOnly?, _ key: String) -> Result<Mesos.AgentID, PayloadMissing> {
            guard let payload else { return .failure(PayloadMissing(key: key)) }
            return .success(payload.agentID)
        }
        switch call.type {
        case .drainAgent:
            guard let drain = call.drainAgent else { return .failure(PayloadMissing(key: "drain_agent")) }
            let grace = drain.maxGracePeriod.map { $0.nanoseconds / 1_000_000 }
            return .success(.drain(drain.agentID, maxGracePeriod: grace, markGone: drain.markGone ?? false))
        case .deactivateAgent: return agent(call.deactivateAgent, "deactivate_agent").map { .deactivate($0) }
        case .reactivateAgent: return agent(call.reactivateAgent, "reactivate_agent").map { .reactivate($0) }
        case .markAgentGone: return agent(call.markAgentGone, "mark_agent_gone").map { .markGone($0) }
        default: return .success(nil)
        }
    }

    /// TEARDOWN: allowed by teardown_frameworks for the framework's principal; 200 once
    /// the framework is removed.
    private func teardown(_ call: Mesos.OperatorCall, _ request: Request) async -> Response {
        guard let id = call.teardown?.frameworkID else { return HTTPReplies.text(.badRequest, "Expecting 'teardown'") }
        let framework = await host.read { master -> (known: Bool, principal: String?) in
            let info = master.frameworks[id]?.info
            return (info != nil, info?.principal)
        }
        guard let framework else { return Redirect.leadershipLost }
        if framework.known, let refusal = access.refusal(.teardownFrameworks, request, object: framework.principal) {
            return refusal
        }
        switch await host.step(.operatorTeardown(id)) {
        case nil: return Redirect.leadershipLost
        case .rejected(let status, let message)?: return HTTPReplies.text(HTTPResponse.Status(code: status), message)
        default: return Response(status: .ok)
        }
    }

    /// Answers 200 with no body once the registry has the change, as Mesos' master does.
    private func maintain(_ call: MaintenanceCall) async -> Response {
        switch await host.maintain(call) {
        case .done: return Response(status: .ok)
        case .refused(let status, let message): return HTTPReplies.text(HTTPResponse.Status(code: status), message)
        case .standingBy: return Redirect.leadershipLost
        }
    }

    /// The operator event stream: SUBSCRIBED with the whole state, then TASK_ADDED,
    /// TASK_UPDATED, AGENT_ADDED, … as they happen, and HEARTBEAT between.
    private func subscribe(_ request: Request) async -> Response {
        let host = host
        let principal = access.principal(request)
        let outbox = await host.openOperatorStream(principal: principal)
        let interval = heartbeatInterval
        guard let state = await host.read({ $0.visible(to: principal).operatorState }) else {
            await host.streamEnded(.operator, outbox.id)
            return Redirect.leadershipLost
        }
        let seconds = Double(interval.components.seconds)
        await host.publishTo(outbox, Mesos.OperatorEvent.subscribed(getState: state, heartbeatIntervalSeconds: seconds))
        await host.publishTo(outbox, .heartbeat)
        let heartbeats = Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: interval)
                guard outbox.send(RecordIO.frame(MesosJSON.encode(Mesos.OperatorEvent.heartbeat))) else { return }
            }
        }
        return HTTPReplies.stream(outbox, request: request, headers: [:]) {
            heartbeats.cancel()
            await host.streamEnded(.operator, outbox.id)
        }
    }

    static let version = Mesos.OperatorResponse(
        type: .getVersion, getVersion: .init(versionInfo: Mesos.VersionInfo(version: Master.mesosVersion)))
}

/// A maintenance call without its payload.
struct PayloadMissing: Error {
    var key: String
}

extension MaintenanceCall {
    /// The ACL action that governs this call.
    var action: MesosACLs.Action {
        switch self {
        case .deactivate: .deactivateAgents
        case .reactivate: .reactivateAgents
        case .drain: .drainAgents
        case .markGone: .markAgentsGone
        }
    }
}
