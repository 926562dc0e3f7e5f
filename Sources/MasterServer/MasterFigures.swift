import ClusterCore
import ClusterProtocol
import MasterCore

/// What the master's metrics report, counted once for both `/metrics/snapshot` (Mesos'
/// names) and `/metrics` (Prometheus).
struct MasterFigures {
    var agentsConnected = 0
    var agentsDisconnected = 0
    var frameworksActive = 0
    var frameworksConnected = 0
    var frameworksDisconnected = 0
    var offersOutstanding = 0
    /// Tasks the master knows, running and recently ended, by state.
    var tasks: [Mesos.TaskState: Int] = [:]
    var total = Resources()
    var used = Resources()
    var offered = Resources()

    /// The scalar resources both endpoints report.
    static let scalarNames = ["cpus", "mem", "disk", "gpus"]

    init(_ master: Master) {
        for agent in master.agents.values {
            if agent.isConnected { agentsConnected += 1 } else { agentsDisconnected += 1 }
        }
        for framework in master.frameworks.values {
            if framework.active { frameworksActive += 1 }
            if framework.isConnected { frameworksConnected += 1 } else { frameworksDisconnected += 1 }
            for task in framework.tasks.values { tasks[task.state, default: 0] += 1 }
            for task in framework.completedTasks { tasks[task.state, default: 0] += 1 }
        }
        for agent in master.allocator.agents.values {
            total.add(agent.total)
            used.add(agent.allocated)
        }
        offersOutstanding = master.allocator.offers.count
        for offer in master.allocator.offers.values { offered.add(offer.resources) }
    }
}
