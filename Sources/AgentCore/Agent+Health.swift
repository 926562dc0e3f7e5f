import ClusterProtocol

/// COMMAND health checks of command tasks, as Mesos' command executor runs them: the
/// first `delay` after the task runs, then every `interval`; each within `timeout`. A
/// change of verdict is reported as TASK_RUNNING with `healthy` set (reason
/// TASK_HEALTH_CHECK_STATUS_UPDATED); failures within the grace period do not count until
/// the first success; `consecutive_failures` in a row kill the task. The verdicts are not
/// checkpointed: an agent started again checks its recovered tasks afresh.
extension Agent {
    /// What the agent knows of one task's health check.
    struct TaskHealth: Sendable, Equatable {
        var check: Mesos.HealthCheck
        var containerID: Mesos.ContainerID
        var sandbox: String
        var environment: [String: String]
        var runningSince: Int64
        var nextCheckAt: Int64
        /// A check was handed to the edge and has not come back.
        var inFlight = false
        var failures = 0
        var healthy: Bool?
        /// The task was killed for failing its checks.
        var killed = false
        /// The task is being killed (for its checks or otherwise): no more checks, as
        /// Mesos' command executor stops its checker on a kill.
        var stopped = false
    }

    /// The task runs: its checks begin after their delay.
    mutating func startHealthChecks(_ key: TaskKey, task: TaskRun, executor: ExecutorRun) {
        guard executor.kind == .command, let check = task.info.healthCheck, check.type == .command,
            check.command != nil, let containerID = task.containerID, !task.killRequested
        else { return }
        var environment = baseEnvironment(key.framework, executor.info.executorID, sandbox: executor.sandbox)
        environment.merge(Self.taskEnvironment(task.info)) { _, task in task }
        health[key] = TaskHealth(
            check: check, containerID: containerID, sandbox: executor.sandbox, environment: environment,
            runningSince: now, nextCheckAt: now + check.delay)
    }

    /// After a restart: the checks of the running command tasks begin again, as if the
    /// tasks had just started.
    mutating func restartHealthChecks() {
        for (key, executor) in executors where executor.kind == .command && executor.phase == .running {
            for task in executor.tasks.values where task.state == .running {
                startHealthChecks(
                    TaskKey(framework: key.framework, task: task.info.taskID), task: task, executor: executor)
            }
        }
    }

    /// Checks that are due go to the edge (`tick`).
    mutating func runDueHealthChecks() {
        for key in health.keys.sorted() {
            guard let entry = health[key], !entry.inFlight, !entry.stopped, entry.nextCheckAt <= now else { continue }
            health[key]!.inFlight = true
            let command = taskExecutors[key].flatMap { executors[$0]?.tasks[key.task]?.info.command }
            emit(
                .runHealthCheck(
                    HealthCheckRun(
                        containerID: entry.containerID, sandbox: entry.sandbox, argv: Self.argv(entry.check.command!),
                        environment: entry.environment, timeout: entry.check.timeout,
                        user: command.flatMap { user($0, key.framework) })))
        }
    }

    /// A check came back.
    mutating func onHealthChecked(_ containerID: Mesos.ContainerID, passed: Bool, message: String) {
        guard let key = health.first(where: { $0.value.containerID == containerID })?.key else { return }
        var entry = health[key]!
        entry.inFlight = false
        // At least a second apart: an interval of 0 would spawn a check every tick.
        entry.nextCheckAt = now + max(entry.check.interval, 1000)
        guard !entry.stopped else {
            health[key] = entry
            return
        }
        defer { health[key] = entry }
        if passed {
            entry.failures = 0
            if entry.healthy != true { reportHealth(key, healthy: true, message: "Health check passed") }
            entry.healthy = true
            return
        }
        // Failures in the grace period count only once the task was healthy.
        if entry.healthy == nil, now < entry.runningSince + entry.check.gracePeriod { return }
        entry.failures += 1
        if entry.healthy != false {
            reportHealth(key, healthy: false, message: "Health check failed: \(message)")
            entry.healthy = false
        }
        if entry.failures >= max(entry.check.failuresToKill, 1) {
            entry.killed = true
            entry.stopped = true
            log("Killing task \(key.task): \(entry.failures) health checks failed in a row (last: \(message))")
            killTask(key, policy: executorKey(of: key).flatMap { executors[$0]?.tasks[key.task]?.info.killPolicy })
        }
    }

    /// The task ended: its checks stop.
    mutating func stopHealthChecks(_ key: TaskKey) { health[key] = nil }

    /// The task is being killed: no more checks, no more verdicts.
    mutating func pauseHealthChecks(_ key: TaskKey) { health[key]?.stopped = true }

    /// The end of a task killed for failing its checks: TASK_KILLED, unhealthy.
    mutating func reportKilledUnhealthy(_ key: TaskKey, failures: Int) {
        var status = Mesos.TaskStatus(taskID: key.task, state: .killed)
        status.source = .executor
        status.message = "Task killed after \(failures) health checks failed in a row"
        status.healthy = false
        status.timestamp = timestamp
        status.uuid = Mesos.Bytes(uniqueBytes())
        record(status, for: key)
    }

    /// The earliest check due, for `nextWakeup`.
    var nextHealthCheckAt: Int64 {
        health.values.filter { !$0.inFlight && !$0.stopped }.map(\.nextCheckAt).min() ?? .max
    }

    private mutating func reportHealth(_ key: TaskKey, healthy: Bool, message: String) {
        guard let executor = executorKey(of: key), let task = executors[executor]?.tasks[key.task],
            task.state == .running
        else { return }
        var status = Mesos.TaskStatus(taskID: key.task, state: .running)
        status.source = .executor
        status.reason = .taskHealthCheckStatusUpdated
        status.message = message
        status.healthy = healthy
        status.timestamp = timestamp
        status.uuid = Mesos.Bytes(uniqueBytes())
        record(status, for: key)
    }
}

/// A COMMAND health check to run once for a task, beside it: the command in the task's
/// sandbox and environment, killed after `timeout` ms. Answered with `healthChecked`.
public struct HealthCheckRun: Hashable, Sendable {
    /// The task's container: names the check's task in the answer.
    public var containerID: Mesos.ContainerID
    public var sandbox: String
    public var argv: [String]
    public var environment: [String: String]
    /// Milliseconds.
    public var timeout: Int64
    /// The task's user, whom the check runs as too (nil: the agent's).
    public var user: String? = nil
}
