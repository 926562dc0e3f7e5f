import AppsCore
import ClusterEdge
import UTCTime

/// An app with what Marathon's `embed` adds: the task counts, its deployments, its tasks,
/// its last task failure.
struct AppInfoJSON {
    let scheduler: AppsScheduler

    /// What to add to each app.
    struct Embeds: OptionSet {
        let rawValue: Int
        static let counts = Embeds(rawValue: 1)
        static let deployments = Embeds(rawValue: 2)
        static let tasks = Embeds(rawValue: 4)
        static let lastTaskFailure = Embeds(rawValue: 8)

        /// Marathon's `embed` values, with or without their `app.`, `apps.` or
        /// `group.apps.` prefix; unknown ones are ignored, as Marathon ignores them.
        init(_ values: [String]) {
            var embeds: Embeds = []
            for value in values {
                var name = Substring(value)
                for prefix in ["group.apps.", "apps.", "app."] where name.hasPrefix(prefix) {
                    name = name.dropFirst(prefix.count)
                    break
                }
                switch name {
                case "counts": embeds.insert(.counts)
                case "deployments": embeds.insert(.deployments)
                case "tasks": embeds.formUnion([.tasks, .deployments])
                case "lastTaskFailure": embeds.insert(.lastTaskFailure)
                case "failures": embeds.formUnion([.tasks, .lastTaskFailure, .deployments])
                default: break
                }
            }
            self = embeds
        }

        init(rawValue: Int) { self.rawValue = rawValue }
    }

    func app(_ app: AppDefinition, embed: Embeds) -> JSONValue {
        var members = AppJSON.definition(app)
        let tasks = self.tasks(of: app.id)
        if embed.contains(.counts) { members += counts(app, tasks) }
        if embed.contains(.deployments) {
            members.append(("deployments", .array(deploymentIDs(of: app.id).map { .object([("id", .string($0))]) })))
        }
        if embed.contains(.tasks) {
            members.append(("tasks", .array(tasks.map { TaskJSON.task($0, servicePorts: servicePorts(app)) })))
        }
        if embed.contains(.lastTaskFailure), let failure = scheduler.lastTaskFailures[app.id] {
            members.append(("lastTaskFailure", Self.failure(failure, of: app.id)))
        }
        return .object(members)
    }

    /// The live tasks of `id`, oldest first.
    func tasks(of id: AppID) -> [AppTask] {
        scheduler.tasks.values.filter { $0.appID == id && !$0.isTerminal }
            .sorted { ($0.stagedAt, $0.id) < ($1.stagedAt, $1.id) }
    }

    func servicePorts(_ app: AppDefinition) -> [Int] { app.portDefinitions.map(\.port) }

    func deploymentIDs(of id: AppID) -> [String] {
        scheduler.deployments.values.filter { $0.target.keys.contains(id) }.map(\.id).sorted()
    }

    private func counts(_ app: AppDefinition, _ tasks: [AppTask]) -> [(String, JSONValue)] {
        let counts = TaskCounts(app, tasks)
        return [
            ("tasksStaged", .int(Int64(counts.staged))), ("tasksRunning", .int(Int64(counts.running))),
            ("tasksHealthy", .int(Int64(counts.healthy))), ("tasksUnhealthy", .int(Int64(counts.unhealthy))),
        ]
    }

    static func failure(_ failure: TaskFailure, of id: AppID) -> JSONValue {
        .object([
            ("appId", .string(id.description)), ("host", .string(failure.host)),
            ("message", .string(failure.message)), ("state", .string(failure.state.rawValue)),
            ("taskId", .string(failure.taskID)), ("timestamp", .string(Timestamp.format(failure.timestamp))),
            ("version", .string(Timestamp.format(failure.version))), ("slaveId", .string(failure.agentID)),
        ])
    }
}
