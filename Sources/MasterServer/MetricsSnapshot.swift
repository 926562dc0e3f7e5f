import ClusterCore
import ClusterEdge
import ClusterProtocol
import MasterCore

/// `/metrics/snapshot` with Mesos' metric names, for tools that read them.
enum MetricsSnapshot {
    static let standby: JSONValue = .object([("master/elected", .double(0))])

    static func master(_ master: Master, snapshot: MasterHost.Snapshot) -> JSONValue {
        let figures = MasterFigures(master)
        var members: [(String, JSONValue)] = [
            ("master/elected", .double(1)),
            ("master/uptime_secs", .double(Double(snapshot.now - snapshot.startedAt) / 1000)),
            ("master/slaves_active", .double(Double(figures.agentsConnected))),
            ("master/slaves_connected", .double(Double(figures.agentsConnected))),
            ("master/slaves_disconnected", .double(Double(figures.agentsDisconnected))),
            ("master/frameworks_active", .double(Double(figures.frameworksActive))),
            ("master/frameworks_connected", .double(Double(figures.frameworksConnected))),
            ("master/frameworks_disconnected", .double(Double(figures.frameworksDisconnected))),
            ("master/outstanding_offers", .double(Double(figures.offersOutstanding))),
        ]
        let names: [(Mesos.TaskState, String)] = [
            (.staging, "staging"), (.starting, "starting"), (.running, "running"), (.killing, "killing"),
            (.finished, "finished"), (.failed, "failed"), (.killed, "killed"), (.lost, "lost"), (.error, "error"),
            (.dropped, "dropped"), (.unreachable, "unreachable"), (.gone, "gone"),
        ]
        for (state, name) in names {
            members.append(("master/tasks_\(name)", .double(Double(figures.tasks[state] ?? 0))))
        }
        for name in MasterFigures.scalarNames {
            let all = figures.total.scalar(name).doubleValue
            let inUse = figures.used.scalar(name).doubleValue
            members.append(("master/\(name)_total", .double(all)))
            members.append(("master/\(name)_used", .double(inUse)))
            members.append(("master/\(name)_percent", .double(all > 0 ? inUse / all : 0)))
        }
        return .object(members)
    }
}
