import AppsCore
import ClusterCore
import ClusterEdge
import ClusterProtocol
import Logging
import NIOConcurrencyHelpers

/// While an Apps instance leads, asks the leading master what every agent has in all
/// (GET_AGENTS) every `interval` and steps the scheduler with it, so an app no agent could
/// ever hold is refused (422) rather than left waiting.
struct AgentCapacityWatch {
    static let interval: Duration = .seconds(10)

    let master: MasterURL
    /// Apps' credential, for a master that authenticates its operator API.
    let credential: Credential?
    let host: AppsHost
    let logger: Logger

    func run(term: Int) async {
        let leader = NIOLockedValueBox<HostPort?>(nil)
        let detector = Task { [master, logger] in
            for await found in MasterDetector(url: master, logger: logger).leaders() {
                leader.withLockedValue { $0 = found }
            }
        }
        defer { detector.cancel() }
        while !Task.isCancelled {
            guard let address = leader.withLockedValue({ $0 }),
                let answer = try? await OperatorClient.call(
                    .getAgents, at: address, credential: credential, timeout: .seconds(5)
                ).response
                    .getAgents
            else {
                // No leading master found yet, or it did not answer: ask again soon.
                try? await Task.sleep(for: .milliseconds(500))
                continue
            }
            // Agents a new master has not heard again yet may be the large ones: until
            // they are back, nothing is refused for its size.
            let known = answer.recoveredAgents.isEmpty ? answer.agents.map(Self.capacity) : []
            await host.noteAgents(known, term: term)
            try? await Task.sleep(for: Self.interval)
        }
    }

    static func capacity(_ agent: Mesos.OperatorResponse.GetAgents.Agent) -> AgentCapacity {
        let total = (try? Resources(agent.totalResources)) ?? Resources()
        let ports = agent.totalResources.filter { $0.name == "ports" }.flatMap { $0.ranges?.range ?? [] }
            .reduce(0) { total, range in
                let (sum, overflow) = total.addingReportingOverflow(Int(clamping: range.end &- range.begin &+ 1))
                return overflow ? Int.max : sum
            }
        return AgentCapacity(
            hostname: agent.agentInfo.hostname, cpus: total.cpus.doubleValue, mem: total.mem.doubleValue,
            disk: total.disk.doubleValue, gpus: total.gpus.doubleValue, ports: ports)
    }
}
