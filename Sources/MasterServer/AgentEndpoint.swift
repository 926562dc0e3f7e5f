import ClusterEdge
import ClusterProtocol
import HTTPTypes
import Hummingbird
import MasterCore

/// `POST /corral/v1/agent`: Corral's master–agent protocol. REGISTER opens the agent's
/// stream; every other call carries the stream's id and is answered 202, alone or in a
/// batch (a REGISTER in a batch is refused with the batch).
struct AgentEndpoint: Sendable {
    let host: MasterHost
    let requestBytesMax: Int

    func handle(_ request: Request) async throws -> Response {
        var request = request
        guard request.method == .post else { return HTTPReplies.methodNotAllowed(request, allowed: [.post]) }
        if let redirect = Redirect.ifStandingBy(host, request) { return redirect }
        let calls: [AgentCall]
        switch try await HTTPReplies.call(AgentCallBatch.self, from: &request, limit: requestBytesMax) {
        case .call(let decoded): calls = decoded.calls
        case .refused(let refusal): return refusal
        }
        guard calls.count == 1, let call = calls.first, call.type == .register else {
            let reply = await host.step(.agentCalls(calls, streamID: request.headers[.corralStreamID]))
            return reply.map(HTTPReplies.reply) ?? Redirect.leadershipLost
        }
        guard let register = call.register else {
            return HTTPReplies.text(.badRequest, "Expecting 'register' to be present")
        }
        let outbox = await host.openStream(.agent)
        let host = host
        guard let reply = await host.step(.agentRegister(register, stream: outbox.id)) else {
            await host.streamEnded(.agent, outbox.id)
            return Redirect.leadershipLost
        }
        guard reply == .streaming else {
            await host.streamEnded(.agent, outbox.id)
            return HTTPReplies.reply(reply)
        }
        return HTTPReplies.stream(outbox, request: request, headers: [.corralStreamID: outbox.id.value]) {
            await host.streamEnded(.agent, outbox.id)
        }
    }
}
