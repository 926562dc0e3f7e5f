import ClusterProtocol

/// Timers: a master gone quiet, status update retries, executors that did not subscribe
/// or did not shut down in time.
extension Agent {
    mutating func onTick() {
        if connection == .registered, now >= lastHeardAt + pingInterval * config.pingTimeoutsMax {
            log("No word from the master for \(now - lastHeardAt) ms; registering again")
            connection = .disconnected
            emit(.reconnect)
        }
        if connection == .registered {
            for update in updates.due(now: now, force: false) {
                emit(.sendToMaster(AgentCall(type: .update, agentID: agentID, update: update)))
            }
        }
        for key in executors.keys.sorted() {
            guard let run = executors[key], let containerID = run.containerID else { continue }
            switch run.phase {
            case .launching(let deadline) where deadline <= now:
                log("Executor \(key.executor) did not subscribe in time; killing it")
                executors[key]!.phase = .shuttingDown(deadline: .max)
                executors[key]!.missedRegistration = true
                emit(.kill(containerID, gracePeriod: 0))
            case .shuttingDown(let deadline) where deadline <= now:
                executors[key]!.phase = .shuttingDown(deadline: .max)
                emit(.kill(containerID, gracePeriod: 0))
            default: break
            }
        }
        runDueHealthChecks()
    }
}
