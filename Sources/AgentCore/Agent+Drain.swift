import ClusterProtocol

/// Maintenance from the master: a drain kills every task, within the operator's grace
/// period; a shutdown (the agent was marked gone) kills everything without a word.
extension Agent {
    /// Kills every live task, each within `maxGracePeriod` (milliseconds) if given, else its
    /// own kill policy's; until the agent registers again, a task killed ends with
    /// REASON_AGENT_DRAINING, as Mesos' agent reports it.
    mutating func drain(maxGracePeriod: Int64?) {
        log("Draining: killing every task\(maxGracePeriod.map { " within \($0) ms" } ?? "")")
        draining = true
        for key in executors.keys.sorted() {
            let run = executors[key]!
            for taskID in run.tasks.keys.sorted() where !run.tasks[taskID]!.state.isTerminal {
                let own = run.tasks[taskID]!.info.killPolicy?.gracePeriod.map { $0.nanoseconds / 1_000_000 }
                let grace = min(own ?? config.killGracePeriod, maxGracePeriod ?? .max)
                let policy = Mesos.KillPolicy(gracePeriod: Mesos.DurationInfo(nanoseconds: grace * 1_000_000))
                killTask(TaskKey(framework: key.framework, task: taskID), policy: policy)
            }
        }
    }

    /// The master marked this agent gone, and told its frameworks, or refuses it for good:
    /// every framework is shut down here, its updates dropped.
    mutating func shutdownForGood(because reason: String = "The master marked this agent gone") {
        log("\(reason): shutting down every framework; this agent may not register again")
        isGone = true
        isLeaving = true
        for framework in Set(executors.keys.map(\.framework)).sorted() { shutdownFramework(framework) }
    }
}
