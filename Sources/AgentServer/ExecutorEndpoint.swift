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

    func handle(_ request: Request) async throws -> Response {
        var request = request
        guard request.method == .post else { return HTTPReplies.methodNotAllowed(request, allowed: [.post]) }
        let call: Mesos.ExecutorCall
        switch try await HTTPReplies.call(Mesos.ExecutorCall.self, from: &request, limit: requestBytesMax) {
        case .call(let decoded): call = decoded
        case .refused(let refusal): return refusal
        }
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

    static func response(_ reply: AgentReply) -> Response {
        switch reply {
        case .accepted: Response(status: .accepted)
        case .rejected(let status, let message): HTTPReplies.text(HTTPResponse.Status(code: status), message)
        case .streaming, .none: Response(status: .ok)
        }
    }
}
