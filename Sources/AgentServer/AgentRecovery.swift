import AgentCore
import AgentStorage
import ClusterEdge
import ClusterProtocol
import Logging

/// The agent's start on its work dir: a new agent if there is no checkpoint; otherwise the
/// checkpointed containers whose processes still run (same boot, same pid and start time)
/// are taken back, those of frameworks that do not checkpoint are killed, what is left of
/// the others' cgroups is removed, and the core recovers from the checkpoint.
enum AgentRecovery {
    static func start(
        config: AgentConfig, containerizer: Containerizer, store: CheckpointStore, logger: Logger
    ) async throws -> AgentHost {
        guard let checkpoint = try store.read() else {
            logger.info("No checkpoint in \(store.directory): starting as a new agent")
            return AgentHost(config: config, containerizer: containerizer, store: store, logger: logger)
        }
        if let refusal = Agent.refusal(of: checkpoint, config: config) {
            throw RecoveryRefused(directory: store.directory, refusal: refusal)
        }
        let sameBoot = checkpoint.bootID == config.bootID
        if !sameBoot { logger.info("The machine rebooted since the checkpoint: none of its processes runs") }
        var alive: [Mesos.ContainerID] = []
        for container in checkpoint.containers {
            let id = container.containerID.value
            guard sameBoot, let process = container.process,
                await containerizer.adopt(id, pid: process.pid, startTime: process.startTime, sandbox: "") != nil
            else {
                let process = container.process.map { "pid \($0.pid) started at \($0.startTime)" } ?? "never started"
                logger.info("Container \(id) (\(process)) is gone: it ended while the agent was down")
                await containerizer.removeRemains(of: id)
                continue
            }
            if container.recover {
                alive.append(container.containerID)
            } else {
                logger.info(
                    "Killing container \(id) (pid \(process.pid)): framework \(container.executor.framework) does not checkpoint"
                )
                _ = try? await containerizer.kill(id, gracePeriod: .seconds(1))
                try? await containerizer.destroy(id)
            }
        }
        let (agent, first): (Agent, AgentStep)
        do {
            (agent, first) = try Agent.recover(
                from: checkpoint, alive: Set(alive), config: config, now: EdgeClock().now)
        } catch {
            throw RecoveryRefused(directory: store.directory, refusal: error)
        }
        let host = AgentHost(agent: agent, containerizer: containerizer, store: store, logger: logger)
        await host.resume(first.actions, following: alive)
        return host
    }
}

/// The work dir's checkpoint is of an agent started otherwise.
struct RecoveryRefused: Error, CustomStringConvertible {
    var directory: String
    var refusal: Agent.RecoveryRefusal

    var description: String {
        "cannot recover from the checkpoint in \(directory): \(refusal) — start the agent as it was started before, "
            + "or move \(directory) aside to start it as a new agent (its tasks' processes are then not taken back)"
    }
}
