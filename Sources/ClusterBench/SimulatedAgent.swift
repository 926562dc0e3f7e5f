import ClusterCore
import ClusterEdge
import ClusterProtocol
import Logging
import NIOConcurrencyHelpers

/// A lightweight agent for the cluster benchmarks: it speaks the real agent protocol to the
/// leading master (registers on a stream, posts status updates on a keep-alive connection)
/// but runs nothing: each task it is sent is reported TASK_RUNNING at once, and each PING
/// answered. As a real agent does, it follows the leader through `MasterURL` and registers
/// again when its stream breaks or the leader changes (after 50 ms, doubled after each
/// failure up to 1 s), with its id and the tasks it runs.
final class SimulatedAgent: Sendable {
    let index: Int
    let master: MasterURL
    let resources: Resources
    /// Called on each REGISTERED, with this agent's index.
    let onRegistered: @Sendable (Int) -> Void
    private let state = NIOLockedValueBox(State())

    private struct State {
        var agentID: Mesos.AgentID?
        var frameworks: [Mesos.FrameworkID: Mesos.FrameworkInfo] = [:]
        var tasks: [Mesos.Task] = []
        var counter: UInt64 = 0
    }

    init(index: Int, master: MasterURL, resources: Resources, onRegistered: @escaping @Sendable (Int) -> Void) {
        self.index = index
        self.master = master
        self.resources = resources
        self.onRegistered = onRegistered
    }

    /// Registers with each leader in turn until cancelled.
    func run() async {
        let detector = MasterDetector(url: master, logger: Logger(label: "simulated-agent"))
        var session: Task<Void, Never>?
        for await leader in detector.leaders() {
            session?.cancel()
            guard let leader else { continue }
            session = Task { await self.keepRegistered(with: leader) }
        }
        session?.cancel()
    }

    private func keepRegistered(with leader: HostPort) async {
        var delay = Duration.milliseconds(50)
        while !Task.isCancelled {
            if (try? await registerOnce(with: leader)) == true { delay = .milliseconds(50) }
            try? await Task.sleep(for: delay)
            delay = min(delay * 2, .seconds(1))
        }
    }

    /// One stream: returns whether it got as far as REGISTERED.
    private func registerOnce(with leader: HostPort) async throws -> Bool {
        let body = MesosJSON.encode(AgentCall(type: .register, register: registration))
        let request = HTTPRequestSpec.json(
            host: leader.host, port: leader.port, target: AgentProtocolVersion.path, body: body)
        return try await HTTPClient.withResponse(request) { head, chunks in
            guard head.status == 200, let streamID = head.header(AgentProtocolVersion.streamIDHeader) else {
                return false
            }
            let poster = AgentCallPoster(
                master: leader, streamID: streamID, queuedMax: 100_000, logger: Logger(label: "simulated-agent"))
            defer { poster.close() }
            var records = RecordStream(chunks)
            var registered = false
            while let record = try await records.next() {
                let event = try MesosJSON.decode(AgentEvent.self, from: record)
                switch event.type {
                case .registered:
                    guard let id = event.registered?.agentID else { continue }
                    state.withLockedValue { $0.agentID = id }
                    registered = true
                    onRegistered(index)
                case .runTask:
                    guard let run = event.runTask else { continue }
                    for call in started(run) { poster.post(call) }
                case .ping:
                    guard let agentID = state.withLockedValue({ $0.agentID }) else { continue }
                    poster.post(AgentCall(type: .pong, agentID: agentID))
                default: break
                }
            }
            return registered
        }
    }

    /// REGISTER: who this agent is and, once it has an id, what it runs.
    private var registration: AgentCall.Register {
        state.withLockedValue { state in
            var info = Mesos.AgentInfo(hostname: "simulated-\(index)", resources: [Mesos.Resource](resources))
            info.port = Int32(index)
            info.id = state.agentID
            let frameworks = state.frameworks.keys.sorted().map { state.frameworks[$0]! }
            return AgentCall.Register(agentInfo: info, frameworks: frameworks, tasks: state.tasks)
        }
    }

    /// Takes the tasks of a RUN_TASK as running; returns their TASK_RUNNING updates.
    private func started(_ run: AgentEvent.RunTask) -> [AgentCall] {
        state.withLockedValue { state in
            guard let agentID = state.agentID, let frameworkID = run.frameworkInfo.id else { return [] }
            state.frameworks[frameworkID] = run.frameworkInfo
            return run.tasks.map { task in
                state.tasks.append(
                    Mesos.Task(
                        name: task.name, taskID: task.taskID, frameworkID: frameworkID, agentID: agentID,
                        state: .running, resources: task.resources))
                state.counter += 1
                var status = Mesos.TaskStatus(taskID: task.taskID, state: .running)
                status.agentID = agentID
                status.source = .executor
                status.uuid = Self.uuid(agent: index, counter: state.counter)
                let update = AgentCall.Update(frameworkID: frameworkID, status: status, latestState: .running)
                return AgentCall(type: .update, agentID: agentID, update: update)
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

    public init(message: String) { self.message = message }
}
