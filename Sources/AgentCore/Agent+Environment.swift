import ClusterCore
import ClusterProtocol

/// What a container's process is given: Mesos' environment, its argv, its limits.
extension Agent {
    /// The PATH a task gets when it names none (Mesos' default).
    static let defaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

    /// The variables Mesos gives every executor (and command task).
    func baseEnvironment(_ framework: Mesos.FrameworkID, _ executor: Mesos.ExecutorID, sandbox: String) -> [String:
        String]
    {
        var environment = config.inheritedEnvironment
        environment.merge([
            "PATH": Self.defaultPath,
            "MESOS_SANDBOX": sandbox,
            "MESOS_DIRECTORY": sandbox,
            "MESOS_FRAMEWORK_ID": framework.value,
            "MESOS_EXECUTOR_ID": executor.value,
            "MESOS_AGENT_ENDPOINT": config.endpoint,
            "MESOS_SLAVE_ID": agentID?.value ?? "",
            "MESOS_AGENT_ID": agentID?.value ?? "",
            // pymesos reads any non-empty value as true: set only when the framework checkpoints,
            // so that its executors retry subscribing while the agent restarts.
            "MESOS_CHECKPOINT": (frameworks[framework]?.checkpoint ?? false) ? "1" : "",
            "MESOS_EXECUTOR_SHUTDOWN_GRACE_PERIOD": Self.mesosDuration(config.executorShutdownGracePeriod),
            "MESOS_RECOVERY_TIMEOUT": "15mins",
            "MESOS_SUBSCRIPTION_BACKOFF_MAX": "2secs",
            "MESOS_HTTP_COMMAND_EXECUTOR": "0",
        ]) { _, mesos in mesos }
        if environment["MESOS_CHECKPOINT"]!.isEmpty { environment["MESOS_CHECKPOINT"] = nil }
        return environment
    }

    /// A task's own variables: its ports (PORT0…, PORTS) and its command's environment,
    /// which wins.
    static func taskEnvironment(_ task: Mesos.TaskInfo) -> [String: String] {
        var environment: [String: String] = ["MESOS_TASK_ID": task.taskID.value]
        let ports =
            (try? Resources(task.resources))?.entries
            .filter { $0.name == "ports" }
            .flatMap { resource -> [UInt64] in
                guard case .ranges(let ranges) = resource.value else { return [] }
                return ranges.ranges.flatMap { Array($0.prefix(1000)) }
            } ?? []
        for (index, port) in ports.prefix(1000).enumerated() { environment["PORT\(index)"] = String(port) }
        if !ports.isEmpty {
            environment["PORTS"] = ports.prefix(1000).map(String.init).joined(separator: ",")
            environment["PORT"] = String(ports[0])
        }
        for variable in task.command?.environment?.variables ?? [] {
            environment[variable.name] = variable.value ?? ""
        }
        return environment
    }

    /// `sh -c VALUE` for a shell command; otherwise VALUE is the program and `arguments`
    /// its argv, argv[0] included, as Mesos passes them to exec.
    static func argv(_ command: Mesos.CommandInfo) -> [String] {
        let value = command.value ?? ""
        guard !command.isShell else { return ["/bin/sh", "-c", value] }
        return [value] + command.arguments.dropFirst()
    }

    /// Memory as a hard limit and cpus as shares (1024 per cpu, at least 2), from
    /// resources.
    static func limits(_ resources: [Mesos.Resource]) -> ContainerLimits {
        guard let model = try? Resources(resources) else { return ContainerLimits() }
        let mem = model.mem
        let cpus = model.cpus
        return ContainerLimits(
            memoryBytes: mem.isZero ? nil : UInt64(mem.thousandths) * 1024 * 1024 / 1000,
            cpuShares: cpus.isZero ? nil : max(2, UInt64(cpus.thousandths) * 1024 / 1000))
    }

    /// Milliseconds in Mesos' duration text (`5secs`, `100ms`), which pymesos parses.
    static func mesosDuration(_ milliseconds: Int64) -> String {
        milliseconds % 1000 == 0 ? "\(milliseconds / 1000)secs" : "\(milliseconds)ms"
    }
}
