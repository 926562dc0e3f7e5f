import AgentCore
import ClusterEdge
import ClusterProtocol
import HTTPTypes
import Hummingbird

/// `POST /api/v1/executor`: Mesos' executor HTTP API. SUBSCRIBE opens the executor's
/// stream; UPDATE and MESSAGE are answered 202.
struct ExecutorEndpoint: Sendable {
    let host: AgentHost
    let requestBytesMax: Int
    /// With `--authenticate-http-executors`: each call carries its executor's token and
    /// speaks only for that executor.
    var tokens: ExecutorTokens? = nil

    func handle(_ request: Request) async throws -> Response {
        var request = request
        guard request.method == .post else { return HTTPReplies.methodNotAllowed(request, allowed: [.post]) }
        let call: Mesos.ExecutorCall
        switch try await HTTPReplies.call(Mesos.ExecutorCall.self, from: &request, limit: requestBytesMax) {
        case .call(let decoded): call = decoded
        case .refused(let refusal): return refusal
        }
        if let tokens, let refusal = await refusal(call, request, tokens) { return refusal }
        guard call.type == .subscribe else { return Self.response(await host.step(.executorCall(call))) }
        if let problem = ContentNegotiation.acceptProblem(request) { return problem }
        let host = host
        let outbox = await host.openExecutorStream()
        let reply = await host.step(.executorSubscribe(call, stream: outbox.id))
        guard reply == .streaming else {
            await host.executorStreamEnded(outbox.id)
            return Self.response(reply)
        }
        return HTTPReplies.stream(outbox, request: request, headers: [.mesosStreamID: outbox.id.value]) {
            await host.executorStreamEnded(outbox.id)
        }
    }

    /// 401 without a token this agent made; 403 when it speaks for another executor, or
    /// for a container the executor no longer runs in (a token lives as long as its
    /// container). The token is verified once.
    private func refusal(_ call: Mesos.ExecutorCall, _ request: Request, _ tokens: ExecutorTokens) async -> Response? {
        let claims: ExecutorTokens.Claims
        switch tokens.claims(authorization: request.headers[.authorization]) {
        case .failure(let refusal):
            return HTTPReplies.text(
                .unauthorized, refusal.description, headers: [.wwwAuthenticate: #"Bearer realm="mesos-agent-executor""#]
            )
        case .success(let verified): claims = verified
        }
        guard claims.fid == call.frameworkID.value, claims.eid == call.executorID.value else {
            return HTTPReplies.text(
                .forbidden,
                "The token speaks for executor '\(claims.eid)' of framework '\(claims.fid)', not for '\(call.executorID.value)' of '\(call.frameworkID.value)'"
            )
        }
        let key = ExecutorKey(framework: call.frameworkID, executor: call.executorID)
        let current = await host.read { $0.executors[key]?.containerID?.value }
        return Self.staleContainer(claims, current: current)
    }

    /// 403 when the executor runs in another container than the token's.
    static func staleContainer(_ claims: ExecutorTokens.Claims, current: String?) -> Response? {
        guard let current, current != claims.cid else { return nil }
        return HTTPReplies.text(
            .forbidden,
            "The token is of container '\(claims.cid)', in which executor '\(claims.eid)' no longer runs; it runs in '\(current)' with a token of its own"
        )
    }

    static func response(_ reply: AgentReply) -> Response {
        switch reply {
        case .accepted: Response(status: .accepted)
        case .rejected(let status, let message): HTTPReplies.text(HTTPResponse.Status(code: status), message)
        case .streaming, .none: Response(status: .ok)
        }
    }
}
