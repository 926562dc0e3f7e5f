import ClusterCore
import ClusterEdge
import ClusterProtocol
import NIOConcurrencyHelpers

/// The state of one `corral execute`: tasks to launch, what each ended with.
final class ExecuteRun: Sendable {
    let name: String
    let command: String
    let needs: Resources
    let environment: [String]
    let count: Int
    private let state = NIOLockedValueBox(State())

    private struct State {
        var launched = 0
        var ended: [String: Int32] = [:]
    }

    init(name: String, command: String, needs: Resources, environment: [String], count: Int) {
        self.name = name
        self.command = command
        self.needs = needs
        self.environment = environment
        self.count = count
    }

    /// The highest exit status of the tasks.
    var exitStatus: Int32 { state.withLockedValue { $0.ended.values.max() ?? 1 } }

    /// Handles one event; false once every task has ended.
    func handle(_ event: Mesos.SchedulerEvent, session: SchedulerSession) async throws -> Bool {
        switch event.type {
        case .subscribed: Output.line("Subscribed with ID \(event.subscribed?.frameworkID.value ?? "?")")
        case .offers: try await launch(on: event.offers?.offers ?? [], session: session)
        case .update:
            guard let status = event.update?.status else { break }
            report(status)
            if let uuid = status.uuid, let agentID = status.agentID {
                try await session.send(
                    Mesos.SchedulerCall(
                        type: .acknowledge, acknowledge: .init(agentID: agentID, taskID: status.taskID, uuid: uuid)))
            }
            if status.state.isTerminal {
                let done = state.withLockedValue { state -> Bool in
                    state.ended[status.taskID.value] = Self.exitStatus(of: status)
                    return state.ended.count == count
                }
                if done {
                    try? await session.send(Mesos.SchedulerCall(type: .teardown))
                    return false
                }
            }
        case .error:
            Output.line("Received an ERROR event: \(event.error?.message ?? "")")
            state.withLockedValue { $0.ended[name] = 1 }
            return false
        default: break
        }
        return true
    }

    private func launch(on offers: [Mesos.Offer], session: SchedulerSession) async throws {
        for offer in offers {
            var available = (try? Resources(offer.resources)) ?? Resources()
            var tasks: [Mesos.TaskInfo] = []
            while state.withLockedValue({ $0.launched }) + tasks.count < count, available.contains(needs) {
                available = available.removing(needs)
                tasks.append(task(number: state.withLockedValue { $0.launched } + tasks.count, on: offer))
            }
            guard !tasks.isEmpty else {
                try await session.send(Mesos.SchedulerCall(type: .decline, decline: .init(offerIDs: [offer.id])))
                continue
            }
            state.withLockedValue { $0.launched += tasks.count }
            let accept = Mesos.SchedulerCall.Accept(offerIDs: [offer.id], operations: [.launch(tasks)])
            try await session.send(Mesos.SchedulerCall(type: .accept, accept: accept))
            for task in tasks { Output.line("Submitted task '\(task.taskID.value)' to agent '\(offer.agentID.value)'") }
        }
        if state.withLockedValue({ $0.launched }) >= count {
            try? await session.send(Mesos.SchedulerCall(type: .suppress))
        }
    }

    private func task(number: Int, on offer: Mesos.Offer) -> Mesos.TaskInfo {
        let id = count == 1 ? name : "\(name)-\(number)"
        var command = Mesos.CommandInfo(value: self.command)
        command.shell = true
        command.environment = Mesos.Environment(
            variables: environment.map { item in
                let parts = item.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                return Mesos.Environment.Variable(
                    name: String(parts[0]), value: parts.count > 1 ? String(parts[1]) : "")
            })
        var task = Mesos.TaskInfo(
            name: id, taskID: Mesos.TaskID(value: id), agentID: offer.agentID, resources: [Mesos.Resource](needs))
        task.command = command
        return task
    }

    private func report(_ status: Mesos.TaskStatus) {
        Output.line("Received status update \(status.state.rawValue) for task '\(status.taskID.value)'")
        if let message = status.message { Output.line("  message: '\(message)'") }
        if let source = status.source { Output.line("  source: \(source.rawValue)") }
        if let reason = status.reason { Output.line("  reason: \(reason.rawValue)") }
    }

    /// 0 for TASK_FINISHED; the status in "Command exited with status N"; 1 otherwise.
    static func exitStatus(of status: Mesos.TaskStatus) -> Int32 {
        if status.state == .finished { return 0 }
        let marker = "exited with status "
        if let message = status.message, let start = message.firstRange(of: marker)?.upperBound,
            let number = Int32(message[start...].prefix { $0.isNumber })
        {
            return number == 0 ? 1 : number
        }
        return 1
    }
}
