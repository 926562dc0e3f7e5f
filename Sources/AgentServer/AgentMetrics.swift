import AgentCore
import ClusterCore
import ClusterProtocol
import CoreMetrics
import CorralMetrics

/// The agent's `GET /metrics`: HTTP requests (the middleware), and at each scrape its
/// registration, tasks by state, executors and containers, the status updates waiting for
/// an acknowledgement and how many were sent again, the resources it offers and those its
/// tasks and executors hold, and how far behind its executors' event streams are.
public final class AgentMetrics: Sendable {
    public let registry = MetricsRegistry()
    private let retries: RunningTotal

    /// The scalar resources reported.
    static let scalarNames = ["cpus", "mem", "disk", "gpus"]

    public init() {
        retries = RunningTotal(registry.counter("corral_agent_status_update_retries_total"))
    }

    func refresh(_ agent: Agent, streamWaitingBytes: Int) {
        set("corral_agent_registered", [], agent.connection == .registered ? 1 : 0)
        var states: [Mesos.TaskState: Int] = [:]
        var used = Resources()
        for run in agent.executors.values {
            used.add(Self.resources(run.info.resources))
            for task in run.tasks.values {
                states[task.state, default: 0] += 1
                if !task.state.isTerminal { used.add(Self.resources(task.info.resources)) }
            }
        }
        for state in Mesos.TaskState.allCases {
            set("corral_agent_tasks", [("state", state.rawValue)], Double(states[state] ?? 0))
        }
        let total = Self.resources(agent.config.agentInfo.resources)
        for name in Self.scalarNames {
            set("corral_agent_resources", [("resource", name), ("kind", "total")], total.scalar(name).doubleValue)
            set("corral_agent_resources", [("resource", name), ("kind", "used")], used.scalar(name).doubleValue)
        }
        set("corral_agent_executors", [], Double(agent.executors.count))
        set("corral_agent_containers", [], Double(agent.containersRunning))
        set("corral_agent_status_updates_waiting", [], Double(agent.updates.waitingCount))
        set("corral_agent_executor_stream_waiting_bytes", [], Double(streamWaitingBytes))
        retries.follow(agent.updates.retries)
    }

    /// Resources the agent accepted once (validated when launched or configured).
    private static func resources(_ list: [Mesos.Resource]) -> Resources {
        (try? Resources(list)) ?? Resources()
    }

    private func set(_ name: String, _ labels: [(String, String)], _ value: Double) {
        registry.gauge(name, labels).record(value)
    }
}
