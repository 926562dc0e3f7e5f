import AppsCore

/// An app's tasks as Marathon counts them (`tasksStaged`, `tasksRunning`, `tasksHealthy`,
/// `tasksUnhealthy`), for `/v2/apps` and `/metrics`. The last two count only tasks of apps
/// with health checks whose checks have said something.
struct TaskCounts {
    var staged = 0
    var running = 0
    var healthy = 0
    var unhealthy = 0

    init() {}

    init(_ app: AppDefinition, _ tasks: some Sequence<AppTask>) {
        for task in tasks {
            if task.isRunning { running += 1 } else { staged += 1 }
            guard !app.healthChecks.isEmpty, task.isRunning else { continue }
            if task.isHealthy(probed: app.probedChecks.count, agentChecked: app.hasAgentCheck) {
                healthy += 1
            } else if task.health.contains(where: { $0.lastFailure != nil }) || task.agentHealthy == false {
                unhealthy += 1
            }
        }
    }

    mutating func add(_ other: TaskCounts) {
        staged += other.staged
        running += other.running
        healthy += other.healthy
        unhealthy += other.unhealthy
    }
}
