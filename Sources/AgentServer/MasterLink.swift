import AgentCore
import ClusterEdge
import ClusterProtocol
import Logging

/// The agent's link to the leading master while registered: calls go out in order on the
/// stream's id, batched while a request is in flight; `reconnect` drops the registration
/// stream.
final class MasterLink: Sendable {
    /// Calls waiting to be posted; beyond this the oldest waiting are dropped (status
    /// updates among them are sent again by the core's retry timer).
    static let callsQueuedMax = 10_000

    let leader: HostPort
    let streamID: String
    private let poster: AgentCallPoster
    private let drop: @Sendable () -> Void

    init(
        leader: HostPort, streamID: String, credential: Credential?, logger: Logger,
        drop: @escaping @Sendable () -> Void
    ) {
        self.leader = leader
        self.streamID = streamID
        self.drop = drop
        poster = AgentCallPoster(
            master: leader, streamID: streamID, queuedMax: MasterLink.callsQueuedMax, credential: credential,
            logger: logger)
    }

    func post(_ call: AgentCall) { poster.post(call) }

    func reconnect() { drop() }

    func close() { poster.close() }

    /// Posts what waits and returns once it is answered, or after `limit`.
    func closeAndWait(limit: Duration) async { await poster.closeAndWait(limit: limit) }
}
