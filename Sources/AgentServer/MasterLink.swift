import AgentCore
import ClusterEdge
import ClusterProtocol
import Logging

/// The agent's link to the leading master while registered: calls go out one at a time,
/// in order, on the stream's id; `reconnect` drops the registration stream.
final class MasterLink: Sendable {
    /// Calls waiting to be posted; beyond this the oldest waiting are dropped (status
    /// updates among them are sent again by the core's retry timer).
    static let callsQueuedMax = 10_000

    let leader: HostPort
    let streamID: String
    private let calls: AsyncStream<AgentCall>.Continuation
    private let drop: @Sendable () -> Void

    init(leader: HostPort, streamID: String, logger: Logger, drop: @escaping @Sendable () -> Void) {
        self.leader = leader
        self.streamID = streamID
        self.drop = drop
        let (stream, continuation) = AsyncStream.makeStream(
            of: AgentCall.self, bufferingPolicy: .bufferingNewest(MasterLink.callsQueuedMax))
        self.calls = continuation
        let connection = HTTPConnection(host: leader.host, port: leader.port)
        Task { [streamID] in
            for await call in stream {
                do {
                    let (head, body) = try await connection.send(
                        target: AgentProtocolVersion.path,
                        headers: [
                            ("Content-Type", "application/json"), (AgentProtocolVersion.streamIDHeader, streamID),
                        ],
                        body: MesosJSON.encode(call))
                    if head.status != 202 {
                        logger.warning(
                            "The master answered \(call.type.rawValue) with \(head.status): \(String(decoding: body, as: UTF8.self))"
                        )
                    }
                } catch {
                    logger.warning("Sending \(call.type.rawValue) to the master at \(leader): \(error)")
                }
            }
            connection.close()
        }
    }

    func post(_ call: AgentCall) { calls.yield(call) }

    func reconnect() { drop() }

    func close() { calls.finish() }
}
