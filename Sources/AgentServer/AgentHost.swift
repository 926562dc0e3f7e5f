import AgentCore
import ClusterEdge
import ClusterProtocol
import FoundationEssentials
import Logging

/// The one owner of the agent's state: the `Agent` core. Master events, container
/// events, executor calls and timers all step it here; its actions are carried out here
/// (containers started and killed through the containerizer, calls posted to the master
/// in order, records onto executors' streams).
public actor AgentHost {
    private(set) var agent: Agent
    let containerizer: Containerizer
    private let clock = EdgeClock()
    private let logger: Logger
    private var executorOutboxes: [StreamID: EventOutbox] = [:]
    private var masterLink: MasterLink?

    public init(config: AgentConfig, containerizer: Containerizer, logger: Logger) {
        self.agent = Agent(config: config, now: EdgeClock().now)
        self.containerizer = containerizer
        self.logger = logger
    }

    /// The link that carries calls to the master; set by the registration loop.
    func attach(_ link: MasterLink?) { masterLink = link }

    @discardableResult
    func step(_ input: AgentInput) -> AgentReply {
        let result = agent.step(input, now: clock.now)
        perform(result.actions)
        return result.reply
    }

    /// Reads the core's state (for `/state` and the operator calls).
    func read<T: Sendable>(_ body: (Agent) -> T) -> T { body(agent) }

    var registration: AgentCall.Register { agent.registration }

    /// Runs the timers until cancelled.
    public func runTimers() async {
        while !Task.isCancelled {
            let wait = max(1, min(agent.nextWakeup - clock.now, 1000))
            try? await Task.sleep(for: .milliseconds(wait))
            step(.tick)
        }
    }

    func openExecutorStream() -> EventOutbox {
        let outbox = EventOutbox(id: StreamID(UUID().uuidString.lowercased()))
        executorOutboxes[outbox.id] = outbox
        return outbox
    }

    func executorStreamEnded(_ id: StreamID) {
        guard executorOutboxes.removeValue(forKey: id) != nil else { return }
        step(.executorClosed(id))
    }

    private func perform(_ actions: [AgentAction]) {
        for action in actions {
            switch action {
            case .sendToMaster(let call): masterLink?.post(call)
            case .reconnect: masterLink?.reconnect()
            case .launch(let launch): start(launch)
            case .updateLimits(let id, let limits):
                let containerizer = containerizer
                Task {
                    try? await containerizer.updateLimits(
                        id.value, memoryLimitBytes: limits.memoryBytes.map { Int($0) },
                        cpuShares: limits.cpuShares.map { Int($0) })
                }
            case .kill(let id, let grace):
                let containerizer = containerizer
                Task { _ = try? await containerizer.kill(id.value, gracePeriod: .milliseconds(grace)) }
            case .sendToExecutor(let id, let event):
                guard let outbox = executorOutboxes[id] else { continue }
                if !outbox.send(RecordIO.frame(MesosJSON.encode(event))) {
                    logger.warning("Closing executor stream \(id): its reader is \(outbox.bytesMax) bytes behind")
                    executorStreamEnded(id)
                }
            case .closeExecutorStream(let id): executorOutboxes.removeValue(forKey: id)?.close()
            case .log(let line): logger.info("\(line)")
            }
        }
    }

    /// Starts a container and follows it to its end, stepping the core at each turn.
    private func start(_ launch: ContainerLaunch) {
        let spec = ContainerSpec(
            containerID: launch.containerID.value, sandbox: launch.sandbox, argv: launch.argv,
            environment: launch.environment, memoryLimitBytes: launch.limits.memoryBytes.map { Int($0) },
            cpuShares: launch.limits.cpuShares.map { Int($0) })
        let containerizer = containerizer
        let id = launch.containerID
        Task {
            let handle: ContainerHandle
            do {
                handle = try await containerizer.launch(spec)
            } catch {
                await self.step(.containerFailedToStart(id, message: "\(error)"))
                return
            }
            await self.step(.containerStarted(id, pid: handle.pid))
            do {
                let termination = try await containerizer.wait(for: id.value)
                await self.step(
                    .containerExited(
                        id,
                        ContainerExit(
                            exitStatus: termination.exitStatus, signal: termination.signal,
                            memoryLimitExceeded: termination.memoryLimitExceeded, message: termination.message)))
            } catch {
                await self.step(.containerExited(id, ContainerExit(message: "lost track of the container: \(error)")))
            }
            try? await containerizer.destroy(id.value)
        }
    }

    /// True once the agent is leaving: the registration loop stops registering again.
    private(set) var isLeaving = false

    /// Leaves the cluster for good: the core shuts every executor down and kills every task
    /// (the timers still run, for the grace periods); once the core has heard every
    /// container end, or after `limit`, what is left is killed, and the agent unregisters, so
    /// that the master removes it now instead of keeping its tasks as running. The tasks'
    /// TASK_KILLED updates go out on the master link before UNREGISTER.
    func leave(limit: Duration = .seconds(8)) async {
        isLeaving = true
        step(.shutdown)
        let deadline = ContinuousClock.now + limit
        while agent.containersRunning > 0, ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(20))
        }
        await killAll()
        guard let link = masterLink, let agentID = agent.agentID, agent.connection == .registered else { return }
        link.post(AgentCall(type: .unregister, agentID: agentID))
        await link.closeAndWait(limit: .seconds(3))
        logger.info("Unregistered from the master at \(link.leader): it removes this agent and its tasks")
    }

    /// Kills every container (the agent is stopping for good).
    func killAll() async {
        for id in await containerizer.containerIDs {
            _ = try? await containerizer.kill(id, gracePeriod: .seconds(1))
            try? await containerizer.destroy(id)
        }
        for outbox in executorOutboxes.values { outbox.close() }
    }
}
