import ClusterProtocol
import Logging

/// An agent's calls to the master after REGISTER, posted in order on one keep-alive
/// connection with the stream's id: one request at a time, carrying every call that waited
/// for it (at most `batchMax`), so that a burst of status updates costs a few requests,
/// not one each. A refused request or a failed one is logged and not sent again: status
/// updates, the only calls that matter twice, are retried by the agent's core.
public final class AgentCallPoster: Sendable {
    /// Calls in one request: about 128 KiB of status updates.
    public static let batchMax = 256

    public let master: HostPort
    public let streamID: String
    private let queue: BatchQueue<AgentCall>
    private let worker: Task<Void, Never>

    /// At most `queuedMax` calls wait; beyond, the oldest are dropped. `credential` is
    /// presented on every request when the master authenticates agents.
    public init(
        master: HostPort, streamID: String, queuedMax: Int, credential: Credential? = nil, logger: Logger
    ) {
        self.master = master
        self.streamID = streamID
        let queue = BatchQueue<AgentCall>(bound: queuedMax)
        self.queue = queue
        worker = Task {
            let connection = HTTPConnection(host: master.host, port: master.port)
            while let batch = await queue.next(max: Self.batchMax) {
                await Self.post(batch, on: connection, streamID: streamID, credential: credential, logger: logger)
            }
            connection.close()
        }
    }

    public func post(_ call: AgentCall) { queue.post(call) }

    /// Posts what waits, then stops.
    public func close() { queue.finish() }

    /// Posts what waits and returns once it is answered, or after `limit`.
    public func closeAndWait(limit: Duration) async {
        close()
        let worker = worker
        await awaitAtMost(limit) { await worker.value }
    }

    private static func post(
        _ calls: [AgentCall], on connection: HTTPConnection, streamID: String, credential: Credential?,
        logger: Logger
    ) async {
        let what = calls.count == 1 ? calls[0].type.rawValue : "\(calls.count) calls"
        do {
            let (head, body) = try await connection.send(
                target: AgentProtocolVersion.path,
                headers: [("Content-Type", "application/json"), (AgentProtocolVersion.streamIDHeader, streamID)]
                    + (credential.map { [("Authorization", $0.authorization)] } ?? []),
                body: MesosJSON.encode(AgentCallBatch(calls)))
            if head.status != 202 {
                logger.warning(
                    "The master answered \(what) with \(head.status): \(String(decoding: body, as: UTF8.self))")
            }
        } catch {
            logger.warning("Sending \(what) to the master at \(connection.host):\(connection.port): \(error)")
        }
    }
}
