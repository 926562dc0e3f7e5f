import UTCTime

extension AppsScheduler {
    /// Fires what is due: reconciliation, kills sent again, tasks that took too long to
    /// start, unreachable tasks past their app's expunge time, health probes.
    mutating func onTick() {
        if now >= nextReconcileAt { reconcile() }
        for id in tasks.keys.sorted() {
            guard let task = tasks[id] else { continue }
            if let sent = task.killSentAt, now >= sent + config.killRetryInterval {
                tasks[id]?.killSentAt = now
                sendKill(task)
            } else if task.kill == nil, !task.isRunning, task.unreachableSince == nil,
                now >= task.stagedAt + config.taskLaunchTimeout
            {
                log("Killing task \(id): not running \(config.taskLaunchTimeout / 1000) s after its launch")
                kill(id, because: .replace)
            }
            if let since = task.unreachableSince, isPastExpunge(task, unreachableSince: since) {
                log("Expunging task \(id): unreachable since \(Timestamp.format(since))")
                kill(id, because: .decommission)
                expunge(id)
            }
        }
        probeDueChecks()
    }

    private func isPastExpunge(_ task: AppTask, unreachableSince since: Int64) -> Bool {
        guard let app = apps[task.appID] else { return true }
        switch app.unreachableStrategy {
        case .disabled: return true
        case .enabled(_, let expunge): return now >= since + Int64(expunge) * 1000
        }
    }
}
