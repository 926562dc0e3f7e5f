import ClusterCore
import ClusterProtocol
import UTCTime

/// The TaskInfo Apps launches for one task of an app: its command, the environment
/// Marathon gives tasks (PORT0…, PORTS, HOST, MARATHON_APP_ID, …), fetch URIs, labels
/// and kill grace period.
enum TaskLaunch {
    static func taskInfo(
        _ task: AppTask, of app: AppDefinition, match: OfferMatch, allocationRole: String
    ) -> Mesos.TaskInfo {
        var info = Mesos.TaskInfo(
            name: app.id.segments.reversed().joined(separator: "."), taskID: .init(value: task.id),
            agentID: .init(value: task.agentID),
            resources: [Mesos.Resource](match.resources, allocationRole: allocationRole))
        info.command = command(for: app, task: task)
        if !app.labels.isEmpty {
            info.labels = Mesos.Labels(
                labels: app.labels.sorted { $0.key < $1.key }.map { .init(key: $0.key, value: $0.value) })
        }
        if let seconds = app.taskKillGracePeriodSeconds {
            info.killPolicy = Mesos.KillPolicy(gracePeriod: .init(nanoseconds: Int64(seconds) * 1_000_000_000))
        }
        info.healthCheck = app.healthChecks.first(where: \.runsOnAgent).map { agentCheck($0, of: info) }
        return info
    }

    /// A COMMAND check as the agent runs it (Mesos' HealthCheck), in the task's environment;
    /// Marathon's `maxConsecutiveFailures` 0 (never kill) as a count never reached.
    private static func agentCheck(_ check: HealthCheck, of task: Mesos.TaskInfo) -> Mesos.HealthCheck {
        var command = Mesos.CommandInfo()
        command.shell = true
        command.value = check.command
        command.environment = task.command?.environment
        return Mesos.HealthCheck(
            type: .command, command: command, delaySeconds: Double(check.delaySeconds),
            intervalSeconds: Double(check.intervalSeconds), timeoutSeconds: Double(check.timeoutSeconds),
            consecutiveFailures: check.maxConsecutiveFailures == 0
                ? UInt32.max : UInt32(clamping: check.maxConsecutiveFailures),
            gracePeriodSeconds: Double(check.gracePeriodSeconds))
    }

    private static func command(for app: AppDefinition, task: AppTask) -> Mesos.CommandInfo {
        var command = Mesos.CommandInfo(user: app.user)
        if let args = app.args, let program = args.first {
            command.shell = false
            command.value = program
            command.arguments = args
        } else {
            command.shell = true
            command.value = app.cmd
        }
        command.uris = app.fetch.map {
            Mesos.CommandInfo.URI(
                value: $0.uri, executable: $0.executable, extract: $0.extract, cache: $0.cache,
                outputFile: $0.outputFile)
        }
        let variables = environment(for: app, task: task).sorted { $0.key < $1.key }
        command.environment = Mesos.Environment(variables: variables.map { .init(name: $0.key, value: $0.value) })
        return command
    }

    /// The app's env, then what Marathon sets (which wins).
    static func environment(for app: AppDefinition, task: AppTask) -> [String: String] {
        var env = app.env
        let ports = task.hostPorts
        for (index, port) in ports.enumerated() {
            env["PORT\(index)"] = String(port)
            let definition = app.portDefinitions[index]
            env["PORT_\(definition.port)"] = String(port)
            if let name = definition.name, !name.isEmpty { env["PORT_\(name.uppercased())"] = String(port) }
        }
        if let first = ports.first { env["PORT"] = String(first) }
        env["PORTS"] = ports.map(String.init).joined(separator: ",")
        env["HOST"] = task.place.hostname
        env["MESOS_TASK_ID"] = task.id
        env["MARATHON_APP_ID"] = app.id.description
        env["MARATHON_APP_VERSION"] = Timestamp.format(app.version)
        env["MARATHON_APP_RESOURCE_CPUS"] = String(app.cpus)
        env["MARATHON_APP_RESOURCE_MEM"] = String(app.mem)
        env["MARATHON_APP_RESOURCE_DISK"] = String(app.disk)
        env["MARATHON_APP_RESOURCE_GPUS"] = String(app.gpus)
        let labelNames = app.labels.keys.sorted().filter(isEnvironmentName)
        if !labelNames.isEmpty { env["MARATHON_APP_LABELS"] = labelNames.joined(separator: " ") }
        for name in labelNames { env["MARATHON_APP_LABEL_\(name.uppercased())"] = app.labels[name] }
        return env
    }

    private static func isEnvironmentName(_ name: String) -> Bool {
        !name.isEmpty && name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }
    }
}
