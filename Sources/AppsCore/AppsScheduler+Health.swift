extension AppsScheduler {
    /// Asks the edge to probe every check that is due on a running task of its app's
    /// current config.
    mutating func probeDueChecks() {
        for id in tasks.keys.sorted() {
            guard var task = tasks[id], task.isRunning, let app = apps[task.appID],
                app.lastConfigChangeAt == task.configVersion
            else { continue }
            let checks = app.probedChecks
            var asked = false
            for index in task.health.indices where index < checks.count && task.health[index].nextProbeAt <= now {
                task.health[index].nextProbeAt = now + Int64(checks[index].intervalSeconds) * 1000
                if let probe = probe(checks[index], index: index, of: task) { emit(.probe(probe)) }
                asked = true
            }
            if asked { tasks[id] = task }
        }
    }

    private func probe(_ check: HealthCheck, index: Int, of task: AppTask) -> HealthProbe? {
        let port: Int
        if let fixed = check.port {
            port = fixed
        } else if let portIndex = check.effectivePortIndex, task.hostPorts.indices.contains(portIndex) {
            port = task.hostPorts[portIndex]
        } else {
            return nil
        }
        return HealthProbe(
            taskID: task.id, check: index, protocol: check.protocol, host: task.place.hostname, port: port,
            path: check.path ?? "/", timeoutSeconds: check.timeoutSeconds, ignoreHttp1xx: check.ignoreHttp1xx)
    }

    /// A probe came back: the task's result for that check changes, and a task failing
    /// `maxConsecutiveFailures` times in a row (after its grace period, or after it once
    /// passed) is killed and replaced.
    mutating func onProbed(_ id: String, check index: Int, result: ProbeResult) {
        guard var task = tasks[id], task.kill == nil, task.health.indices.contains(index), let app = apps[task.appID],
            app.lastConfigChangeAt == task.configVersion, app.probedChecks.indices.contains(index)
        else { return }
        let check = app.probedChecks[index]
        var health = task.health[index]
        let wasAlive = health.alive
        switch result {
        case .passed:
            health.alive = true
            health.consecutiveFailures = 0
            if health.firstSuccess == nil { health.firstSuccess = now }
            health.lastSuccess = now
        case .failed(let cause):
            health.lastFailure = now
            health.lastFailureCause = cause
            let inGracePeriod =
                health.firstSuccess == nil && now < (task.startedAt ?? now) + Int64(check.gracePeriodSeconds) * 1000
            if !inGracePeriod {
                health.alive = false
                health.consecutiveFailures += 1
                publish(.failedHealthCheck(task, check: check))
            }
        }
        task.health[index] = health
        tasks[id] = task
        if health.alive != wasAlive {
            store(.putTask(task))
            publish(.healthStatusChanged(task, alive: health.alive))
        }
        if check.maxConsecutiveFailures > 0, health.consecutiveFailures >= check.maxConsecutiveFailures {
            let reason =
                "\(health.consecutiveFailures) consecutive health check failures: \(health.lastFailureCause ?? "")"
            log("Killing task \(id) of \(app.id): \(reason)")
            publish(.unhealthyTaskKill(task, reason: reason))
            kill(id, because: .replace)
        }
    }
}
