import ClusterCore
import ClusterEdge
import ClusterProtocol
import MasterCore

/// `/metrics/snapshot` with Mesos' metric names, for tools that read them.
enum MetricsSnapshot {
    static let standby: JSONValue = .object([("master/elected", .double(0))])

    static func master(_ master: Master, snapshot: MasterHost.Snapshot) -> JSONValue {
        var states: [Mesos.TaskState: Int] = [:]
        for framework in master.frameworks.values {
            for task in framework.tasks.values { states[task.state, default: 0] += 1 }
            for task in framework.completedTasks { states[task.state, default: 0] += 1 }
        }
        var total = Resources()
        var used = Resources()
        for agent in master.allocator.agents.values {
            total.add(agent.total)
            used.add(agent.allocated)
        }
        var members: [(String, JSONValue)] = [
            ("master/elected", .double(1)),
            ("master/uptime_secs", .double(Double(snapshot.now - snapshot.startedAt) / 1000)),
            ("master/slaves_active", .double(Double(master.agents.values.filter(\.isConnected).count))),
            ("master/slaves_connected", .double(Double(master.agents.values.filter(\.isConnected).count))),
            ("master/slaves_disconnected", .double(Double(master.agents.values.filter { !$0.isConnected }.count))),
            ("master/frameworks_active", .double(Double(master.frameworks.values.filter(\.active).count))),
            ("master/frameworks_connected", .double(Double(master.frameworks.values.filter(\.isConnected).count))),
            (
                "master/frameworks_disconnected",
                .double(Double(master.frameworks.values.filter { !$0.isConnected }.count))
            ),
            ("master/outstanding_offers", .double(Double(master.allocator.offers.count))),
        ]
        let names: [(Mesos.TaskState, String)] = [
            (.staging, "staging"), (.starting, "starting"), (.running, "running"), (.killing, "killing"),
            (.finished, "finished"), (.failed, "failed"), (.killed, "killed"), (.lost, "lost"), (.error, "error"),
            (.dropped, "dropped"), (.unreachable, "unreachable"), (.gone, "gone"),
        ]
        for (state, name) in names { members.append(("master/tasks_\(name)", .double(Double(states[state] ?? 0)))) }
        for name in ["cpus", "mem", "disk", "gpus"] {
            let all = total.scalar(name).doubleValue
            let inUse = used.scalar(name).doubleValue
            members.append(("master/\(name)_total", .double(all)))
            members.append(("master/\(name)_used", .double(inUse)))
            members.append(("master/\(name)_percent", .double(all > 0 ? inUse / all : 0)))
        }
        return .object(members)
    }
}
