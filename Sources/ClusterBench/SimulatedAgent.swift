import ClusterCore
import ClusterEdge
import ClusterProtocol
import Logging

/// A lightweight agent for the launch benchmark: it speaks the real agent protocol to a
/// real master (registers on a stream, posts status updates on a keep-alive connection)
/// but runs nothing: each task it is sent is reported TASK_RUNNING at once, and each PING
/// answered.
struct SimulatedAgent: Sendable {
    let index: Int
    let master: HostPort
    let resources: Resources

    /// Registers and serves until the stream ends or the task is cancelled.
    func run() async throws {
        var info = Mesos.AgentInfo(hostname: "simulated-\(index)", resources: [Mesos.Resource](resources))
        info.port = Int32(index)
        let body = MesosJSON.encode(AgentCall(type: .register, register: .init(agentInfo: info)))
        let request = HTTPRequestSpec.json(
            host: master.host, port: master.port, target: AgentProtocolVersion.path, body: body)
        try await HTTPClient.withResponse(request) { head, chunks in
            guard head.status == 200, let streamID = head.header(AgentProtocolVersion.streamIDHeader) else {
                throw BenchFailure(message: "agent \(index): the master answered \(head.status) to REGISTER")
            }
            let poster = AgentCallPoster(
                master: master, streamID: streamID, queuedMax: 100_000, logger: Logger(label: "simulated-agent"))
            defer { poster.close() }
            var records = RecordStream(chunks)
            var agentID: Mesos.AgentID?
            var counter: UInt64 = 0
            while let record = try await records.next() {
                let event = try MesosJSON.decode(AgentEvent.self, from: record)
                switch event.type {
                case .registered: agentID = event.registered?.agentID
                case .runTask:
                    guard let run = event.runTask, let agentID, let frameworkID = run.frameworkInfo.id else { continue }
                    for task in run.tasks {
                        counter += 1
                        var status = Mesos.TaskStatus(taskID: task.taskID, state: .running)
                        status.agentID = agentID
                        status.source = .executor
                        status.uuid = Self.uuid(agent: index, counter: counter)
                        let update = AgentCall.Update(frameworkID: frameworkID, status: status, latestState: .running)
                        poster.post(AgentCall(type: .update, agentID: agentID, update: update))
                    }
                case .ping:
                    guard let agentID else { continue }
                    poster.post(AgentCall(type: .pong, agentID: agentID))
                default: break
                }
            }
        }
    }

    /// Unique 16 bytes per agent and update.
    static func uuid(agent: Int, counter: UInt64) -> Mesos.Bytes {
        var bytes = [UInt8](repeating: 0, count: 16)
        for index in 0..<8 {
            bytes[index] = UInt8(truncatingIfNeeded: UInt64(agent) >> (8 * UInt64(index)))
            bytes[8 + index] = UInt8(truncatingIfNeeded: counter >> (8 * UInt64(index)))
        }
        return Mesos.Bytes(bytes)
    }
}

public struct BenchFailure: Error, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}
