import ClusterEdge
import ClusterProtocol
import HTTPTypes
import Hummingbird
import MasterCore

/// `POST /api/v1/scheduler`: Mesos' scheduler HTTP API, checked in Mesos' order — the
/// method (405), the content type (415: JSON only), the body (413 over the cap, 400 when
/// it is not a Call), the Accept header of a SUBSCRIBE (406) — before the core sees it.
struct SchedulerEndpoint: Sendable {
    let host: MasterHost
    let requestBytesMax: Int
    /// Frameworks authenticate (`--authenticate-frameworks`): a framework speaks as the
    /// principal it authenticated as, which its FrameworkInfo must name.
    let authenticates: Bool
    /// Who the request's credentials prove it comes from.
    let access: MasterAccess

    func handle(_ request: Request) async throws -> Response {
        var request = request
        guard request.method == .post else { return HTTPReplies.methodNotAllowed(request, allowed: [.post]) }
        if let redirect = Redirect.ifStandingBy(host, request) { return redirect }
        let call: Mesos.SchedulerCall
        switch try await HTTPReplies.call(Mesos.SchedulerCall.self, from: &request, limit: requestBytesMax) {
        case .call(let decoded): call = decoded
        case .refused(let refusal): return refusal
        }
        if authenticates, let refusal = await principalRefusal(call, request) { return refusal }
        guard call.type == .subscribe else {
            let reply = await host.step(.schedulerCall(call, streamID: request.headers[.mesosStreamID]))
            return reply.map(HTTPReplies.reply) ?? Redirect.leadershipLost
        }
        if let problem = ContentNegotiation.acceptProblem(request) { return problem }
        let outbox = await host.openStream(.framework)
        let host = host
        guard let reply = await host.step(.schedulerSubscribe(call, stream: outbox.id)) else {
            await host.streamEnded(.framework, outbox.id)
            return Redirect.leadershipLost
        }
        guard reply == .streaming else {
            await host.streamEnded(.framework, outbox.id)
            return HTTPReplies.reply(reply)
        }
        return HTTPReplies.stream(outbox, request: request, headers: [.mesosStreamID: outbox.id.value]) {
            await host.streamEnded(.framework, outbox.id)
        }
    }

    /// Mesos' rule: a SUBSCRIBE's FrameworkInfo names the principal the request
    /// authenticated as (400 otherwise), and a later call comes from the principal the
    /// framework subscribed with (403 otherwise).
    private func principalRefusal(_ call: Mesos.SchedulerCall, _ request: Request) async -> Response? {
        let principal = access.principal(request) ?? ""
        if call.type == .subscribe {
            let named = call.subscribe?.frameworkInfo.principal
            guard named != principal else { return nil }
            return HTTPReplies.text(
                .badRequest,
                "Authenticated principal '\(principal)' does not match principal '\(named ?? "")' set in `FrameworkInfo`"
            )
        }
        guard let id = call.frameworkID,
            let subscribed = await host.read({ $0.frameworks[id]?.info.principal }) ?? nil, subscribed != principal
        else { return nil }
        return HTTPReplies.text(
            .forbidden,
            "Authenticated principal '\(principal)' does not match principal '\(subscribed)' used to subscribe")
    }
}
