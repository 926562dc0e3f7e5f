import AgentCore
import AgentStorage
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
    /// Where the core's checkpoints go; nil keeps none (tests of the edge alone).
    private var store: CheckpointStore?
    private var executorOutboxes: [StreamID: EventOutbox] = [:]
    private var masterLink: MasterLink?
    /// Gives each custom executor its token when the agent authenticates executors.
    private var executorTokens: ExecutorTokens?
    /// `GET /metrics`, shared with the routes.
    public nonisolated let metrics = AgentMetrics()
    /// Ends when the master has marked the agent gone.
    nonisolated let markedGone: AsyncStream<Void>
    private let markedGoneContinuation: AsyncStream<Void>.Continuation

    public init(config: AgentConfig, containerizer: Containerizer, store: CheckpointStore?, logger: Logger) {
        self.init(
            agent: Agent(config: config, now: EdgeClock().now), containerizer: containerizer, store: store,
            logger: logger)
    }

    /// A host for an agent recovered from its checkpoint (`AgentRecovery`).
    init(agent: Agent, containerizer: Containerizer, store: CheckpointStore?, logger: Logger) {
        (markedGone, markedGoneContinuation) = AsyncStream.makeStream(bufferingPolicy: .bufferingNewest(1))
        self.agent = agent
        self.containerizer = containerizer
        self.store = store
        self.logger = logger
    }

    /// Carries out a recovered agent's first actions and follows the containers it took back.
    func resume(_ actions: [AgentAction], following containers: [Mesos.ContainerID]) {
        perform(actions)
        for id in containers { follow(id) }
    }

    /// The link that carries calls to the master; set by the registration loop.
    func attach(_ link: MasterLink?) { masterLink = link }

    @discardableResult
    func step(_ input: AgentInput) -> AgentReply {
        // Stopped: the containers run on, and nothing may change the checkpoint now (a wait
        // cut short by the containerizer's shutdown is not a container's end).
        guard !isStopped else { return .rejected(status: 503, message: "The agent is stopping") }
        let result = agent.step(input, now: clock.now)
        perform(result.actions)
        if agent.isGone { markedGoneContinuation.finish() }
        return result.reply
    }

    /// Sets the gauges `GET /metrics` reports from the core's state now.
    func refreshMetrics() {
        metrics.refresh(agent, streamWaitingBytes: executorOutboxes.values.reduce(0) { $0 + $1.waitingBytes })
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
            case .checkpoint(let checkpoint): write(checkpoint)
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
            case .runHealthCheck(let check):
                let containerizer = containerizer
                Task {
                    let (passed, message) = await containerizer.runHealthCheck(
                        argv: check.argv, environment: check.environment, sandbox: check.sandbox,
                        timeout: .milliseconds(check.timeout), user: check.user)
                    self.step(.healthChecked(check.containerID, passed: passed, message: message))
                }
            case .log(let line): logger.info("\(line)")
            }
        }
    }

    /// Makes the checkpoint durable before the step's other actions are carried out (a
    /// blocking write on the actor: the agent acts on nothing a restart would not know of).
    private func write(_ checkpoint: AgentCheckpoint) {
        guard let path = store?.path else { return }
        do {
            try store?.write(checkpoint)
        } catch {
            let advice =
                "tasks changed since the last checkpoint are not recovered if the agent restarts; "
                + "free space or fix the work dir's file system"
            logger.error("Cannot write the agent checkpoint \(path): \(error) — \(advice)")
        }
    }

    /// From now on, custom executors get tokens made with `tokens`.
    func authenticateExecutors(with tokens: ExecutorTokens) { executorTokens = tokens }

    /// Starts a container and follows it to its end, stepping the core at each turn.
    private func start(_ launch: ContainerLaunch) {
        var environment = launch.environment
        if let tokens = executorTokens, let executor = launch.executor {
            environment[ExecutorTokens.variable] = tokens.token(for: executor, container: launch.containerID)
        }
        let spec = ContainerSpec(
            containerID: launch.containerID.value, sandbox: launch.sandbox, argv: launch.argv,
            environment: environment, memoryLimitBytes: launch.limits.memoryBytes.map { Int($0) },
            cpuShares: launch.limits.cpuShares.map { Int($0) }, user: launch.user)
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
            await self.step(.containerStarted(id, ProcessIdentity(pid: handle.pid, startTime: handle.startTime)))
            await self.awaitEnd(of: id)
        }
    }

    /// Follows a container taken back after a restart to its end.
    private func follow(_ id: Mesos.ContainerID) {
        Task { await self.awaitEnd(of: id) }
    }

    /// Waits for the container's end, steps the core with it, and destroys the container.
    private func awaitEnd(of id: Mesos.ContainerID) async {
        do {
            let termination = try await containerizer.wait(for: id.value)
            step(
                .containerExited(
                    id,
                    ContainerExit(
                        exitStatus: termination.exitStatus, signal: termination.signal,
                        memoryLimitExceeded: termination.memoryLimitExceeded,
                        message: termination.ending == .unknown ? nil : termination.message,
                        statusUnknown: termination.ending == .unknown)))
        } catch {
            step(.containerExited(id, ContainerExit(message: "lost track of the container: \(error)")))
        }
        // Stopped, the agent leaves every container as it is, for the next start to take back.
        guard !isStopped else { return }
        try? await containerizer.destroy(id.value)
    }

    /// True once the agent is leaving: the registration loop stops registering again.
    private(set) var isLeaving = false
    /// True once the agent has stopped, leaving its containers running (`stop`).
    private(set) var isStopped = false

    /// Leaves the cluster for good (SIGUSR1, as Mesos' agent): the core shuts every executor
    /// down and kills every task
    /// (the timers still run, for the grace periods); once the core has heard every
    /// container end, or after `limit`, what is left is killed, and the agent unregisters, so
    /// that the master removes it now instead of keeping its tasks as running. The tasks'
    /// TASK_KILLED updates go out on the master link before UNREGISTER. The checkpoint goes:
    /// started again, the agent is a new one.
    func leave(limit: Duration = .seconds(8)) async {
        isLeaving = true
        step(.shutdown)
        let deadline = ContinuousClock.now + limit
        while agent.containersRunning > 0, ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(20))
        }
        await killAll()
        do {
            try store?.remove()
        } catch {
            logger.error("Cannot remove the agent checkpoint: \(error) — remove \(store?.path ?? "it") by hand")
        }
        guard let link = masterLink, let agentID = agent.agentID, agent.connection == .registered else { return }
        link.post(AgentCall(type: .unregister, agentID: agentID))
        await link.closeAndWait(limit: .seconds(3))
        logger.info("Unregistered from the master at \(link.leader): it removes this agent and its tasks")
    }

    /// Stops without touching the containers (SIGTERM, an upgrade): they keep running, and
    /// the agent started again on the same work dir takes them back from its checkpoint.
    func stop() async {
        isStopped = true
        await containerizer.shutdown()
        for outbox in executorOutboxes.values { outbox.close() }
        executorOutboxes = [:]
        let running = agent.containersRunning
        logger.info(
            "Stopping; \(running) containers keep running and are taken back when the agent starts again on this work dir"
        )
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
