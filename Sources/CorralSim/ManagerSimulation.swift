import AgentCore
import AgentStorage
import ClusterCore
import ClusterProtocol
import MasterCore

/// The cluster manager under simulated faults: the real `Master` core and real `Agent`
/// cores, with simulated schedulers (`SimulatedScheduler`), streams and calls that take
/// their time, and containers that start, run for a while and exit (or are killed). The
/// seed cuts agents' and schedulers' streams during the fault phase (each side hears it;
/// what was in flight on the stream is lost) and partitions agents from the master (as
/// TCP does, nothing is lost and nobody hears anything: what either side sends arrives
/// once the partition heals, and new connections fail until then), long enough for the
/// master to mark them unreachable; then the schedulers stop launching and everything must
/// settle.
///
/// Checked after every event: no agent is committed beyond its total, the allocator's books
/// add up (offers and resources in use are disjoint and sum to what it holds), no scheduler
/// hears a task come back from a terminal state. After the quiet phase: every agent is
/// registered and has no update waiting, master and agents agree on every task, every
/// scheduler's last word on a task is the task's state, and the resources in use on each
/// agent are exactly its live tasks'.
///
/// Agents crash and start again on their work dirs (`restartChance`): a killed process
/// leaves its containers running and its checkpoint whole; a power failure during a
/// checkpoint write tears what was not synced and takes the containers with it. Frameworks
/// 0 and 1 checkpoint, 2 does not. After the quiet phase, also: no container runs that its
/// agent does not know (a task is never left running twice, or running after it was
/// reported ended).
///
/// The leading master is killed now and then (`masterFailChance`): another is elected and
/// starts from the registry as Keeper holds it (`ManagerSimulation+Failover`). Checked
/// after every registry write: the master's registry is Keeper's.
///
/// Apps runs beside the schedulers when `appsInstances` is set (`ManagerSimulation+Apps`),
/// its leader killed now and then (`appsFailChance`).
///
/// Out of this simulation so far: custom executors and task groups.
public struct ManagerSimulation: Simulation {
    public struct Settings: Sendable {
        public var seed: UInt64
        public var agents = 3
        public var schedulers = 2
        /// Streams are cut and schedulers launch, kill and reconcile for this long.
        public var faultPhase: Int64 = 20_000
        /// Then nothing fails and nothing new is launched: long enough for retried status
        /// updates (10 s, then 20 s) to get through.
        public var quietPhase: Int64 = 45_000
        /// Per fault tick (every 100 ms), the chance of cutting one stream.
        public var cutChance = 0.02
        /// How long a message takes, at most (milliseconds).
        public var latencyMax = 30
        /// How long a task runs, at most (milliseconds).
        public var taskDurationMax = 8_000
        /// Per fault tick, the chance of partitioning one agent from the master.
        public var partitionChance = 0.0
        /// How long a partition lasts, at most (milliseconds).
        public var partitionMax: Int64 = 8_000
        /// The master's ping interval and the pings an agent may miss before it is marked
        /// unreachable.
        public var pingInterval: Int64 = 1_000
        public var maxPings: Int64 = 3
        /// Per fault tick, the chance that an agent's process is killed, or that the power
        /// fails during its next checkpoint write (then the disk keeps a random part of what
        /// was not synced, and the agent's containers die with the machine). It starts again
        /// on its work dir after at most `restartDelayMax`.
        public var restartChance = 0.0
        public var restartDelayMax = 3_000
        /// Per fault tick, the chance that the leading master is killed. Another is elected
        /// after at most `electionDelayMax` ms and starts from the registry as Keeper holds it.
        public var masterFailChance = 0.0
        public var electionDelayMax = 3_000
        /// The instances of the app Apps runs; 0: no Apps.
        public var appsInstances = 0
        /// Per fault tick, the chance that the Apps leader is killed (at once, or after a
        /// few more of its actions).
        public var appsFailChance = 0.0

        public init(seed: UInt64) { self.seed = seed }

        public static func fromSeed(_ seed: UInt64) -> Settings {
            var random = SeededRandom(seed: seed ^ 0x5EED_C1A5)
            var settings = Settings(seed: seed)
            settings.agents = random.between(1, 4)
            settings.schedulers = random.between(1, 3)
            settings.cutChance = random.pick([0.0, 0.01, 0.03, 0.08])
            settings.latencyMax = random.pick([1, 10, 50])
            settings.taskDurationMax = random.pick([500, 3_000, 10_000])
            settings.partitionChance = random.pick([0.0, 0.005, 0.01, 0.02])
            settings.maxPings = random.pick([2, 3, 5])
            settings.restartChance = random.pick([0.0, 0.005, 0.01, 0.02])
            settings.masterFailChance = random.pick([0.0, 0.002, 0.005, 0.01])
            settings.appsInstances = random.pick([0, 1, 2, 3])
            settings.appsFailChance = random.pick([0.0, 0.005, 0.01, 0.02])
            return settings
        }
    }

    /// Indirect: events carry whole records, and the queue moves them often.
    public indirect enum Event: Sendable {
        case masterTick
        case agentTick(Int)
        /// The agent POSTs REGISTER on a new stream.
        case agentRegisters(Int)
        case agentHears(Int, stream: Int, AgentEvent)
        case agentStreamEnds(Int, stream: Int)
        case agentCallArrives(Int, stream: Int, AgentCall)
        case containerStarts(Int, Mesos.ContainerID)
        case containerExits(Int, Mesos.ContainerID, ContainerExit)
        /// A task's health check (`AgentAction.runHealthCheck`) came back.
        case healthChecked(Int, Mesos.ContainerID, passed: Bool)
        case schedulerSubscribes(Int)
        case schedulerHears(Int, stream: Int, Mesos.SchedulerEvent)
        case schedulerStreamEnds(Int, stream: Int)
        case schedulerCallArrives(Int, stream: Int, Mesos.SchedulerCall)
        case schedulerActs(Int)
        /// Keeper took a registry write of the master elected `epoch`-th.
        case registryWritten(Int, epoch: Int)
        /// A master is elected after the last one was killed.
        case masterElected
        /// The agent's end of a stream closed during a partition reaches the master.
        case masterHearsAgentClosed(StreamID)
        /// A crashed agent starts again on its work dir.
        case agentRestarts(Int)
        case fault
        case appsElected
        case appsSubscribes
        case appsHears(stream: Int, Mesos.SchedulerEvent)
        case appsStreamEnds(stream: Int)
        case appsCallArrives(stream: Int, Mesos.SchedulerCall)
        case appsTick
        case appsActs
        /// A health probe of the Apps leader elected `epoch`-th comes back healthy.
        case appsProbed(epoch: Int, taskID: String, check: Int)
    }

    /// One agent's edge: its core, its stream's generation, its containers.
    struct AgentSide {
        var core: Agent
        var stream: Int?
        var generations = 0
        var containers: [Mesos.ContainerID: ContainerPhase] = [:]
        var tickAt: Int64?
        /// While partitioned, when the partition heals.
        var partitionedUntil: Int64?
        /// Its work dir's disk, and the checkpoint on it.
        let fileSystem = SimulatedFileSystem()
        /// The process's store: a new one after each restart.
        lazy var store = CheckpointStore(fileSystem: fileSystem, workDir: "/agent")
        /// Crashed, until it starts again.
        var down = false
        /// A power failure is planned during the next checkpoint write.
        var powerFailurePlanned = false
        /// The process is killed once it has carried out this many more actions.
        var killAfterActions: Int?
        /// Starts so far, and boots of its machine.
        var incarnation = 0
        var boots = 0
    }

    enum ContainerPhase {
        case starting
        case running
        case exited
    }

    public let settings: Settings
    public var seed: UInt64 { settings.seed }
    public var now: Int64 = 0
    public var queue = EventQueue<Event>()
    public var trace = Trace()
    var random: SeededRandom
    var master: Master
    /// Masters elected so far, less one; none leads between a kill and the next election.
    var masterEpoch = 0
    var leaderless = false
    /// The registry as Keeper holds it: the writes it took, in order.
    var keeperRegistry = Registry()
    /// Registry writes asked for and not yet taken, in order: (id, operations).
    var registryInFlight: [(id: Int, operations: [RegistryOperation])] = []
    var agents: [AgentSide] = []
    var schedulers: [SimulatedScheduler] = []
    var apps = SimulatedApps()
    var masterTickAt: Int64?
    /// Master steps taken: the books are checked after events that took one.
    var masterSteps = 0
    /// When the last message on each stream or call channel arrives: each is in order.
    var channelClock: [String: Int64] = [:]
    /// Streams cut: what was in flight on them is lost.
    var cutStreams: Set<String> = []

    public init(_ settings: Settings) {
        self.settings = settings
        random = SeededRandom(seed: settings.seed)
        master = Master(config: Self.masterConfig(settings, epoch: 0), now: now)
        for index in 0..<settings.agents {
            let info = Mesos.AgentInfo(
                hostname: "agent-\(index)",
                resources: [Mesos.Resource](Resources([.scalar("cpus", 2), .scalar("mem", 512)])))
            let side = AgentSide(
                core: Agent(config: Self.agentConfig(info, index: index, incarnation: 0, boot: 0), now: now))
            try! side.fileSystem.makeDirectory("/agent")
            agents.append(side)
            queue.schedule(.agentRegisters(index), at: Int64(index * 7))
        }
        for index in 0..<settings.schedulers {
            schedulers.append(SimulatedScheduler(index: index))
            queue.schedule(.schedulerSubscribes(index), at: 50 + Int64(index * 11))
            queue.schedule(.schedulerActs(index), at: 500)
        }
        if settings.appsInstances > 0 {
            queue.schedule(.appsElected, at: 30)
            queue.schedule(.appsActs, at: 2_000)
        }
        queue.schedule(.masterTick, at: 0)
        queue.schedule(.fault, at: 100)
    }

    var isLaunching: Bool { now < settings.faultPhase }

    /// Runs the fault phase and the quiet phase, then checks that everything settled.
    public mutating func run() throws -> String {
        try runEvents(through: settings.faultPhase + settings.quietPhase)
        try checkSettled()
        try checkAppsSettled()
        let launched = schedulers.reduce(0) { $0 + $1.tasksLaunched }
        return
            "seed \(seed): \(settings.agents) agents, \(settings.schedulers) schedulers, \(launched) tasks launched, \(masterSteps) master steps"
    }

    /// Tasks the schedulers launched, over the run.
    public var tasksLaunched: Int { schedulers.reduce(0) { $0 + $1.tasksLaunched } }

    public mutating func handle(_ event: Event) throws {
        let stepsBefore = masterSteps
        switch event {
        case .masterTick:
            // A tick superseded by an earlier one is stale: ticking on it as well made
            // thousands of ticks a second.
            guard masterTickAt == now else { return }
            masterTickAt = nil
            stepMaster(.tick)
        case .registryWritten(let id, let epoch): try registryWritten(id, epoch: epoch)
        case .masterElected: masterElected()
        case .masterHearsAgentClosed(let stream):
            stepMaster(.agentClosed(stream))
        case .agentRestarts(let index): try agentRestarts(index)
        case .agentTick(let index):
            guard agents[index].tickAt == now else { return }
            agents[index].tickAt = nil
            try stepAgent(index, .tick)
        case .agentRegisters(let index): try agentRegisters(index)
        case .agentHears(let index, let stream, let event):
            guard agents[index].stream == stream else { return }
            try stepAgent(index, .masterEvent(event))
        case .agentStreamEnds(let index, let stream): try agentStreamEnds(index, stream: stream)
        case .agentCallArrives(let index, let stream, let call):
            let reply = stepMaster(.agentCalls([call], streamID: Self.agentStream(index, stream).value))
            if reply != .accepted { note("agent \(index) \(call.type.rawValue) refused: \(reply)") }
        case .containerStarts(let index, let container): try containerStarts(index, container)
        case .containerExits(let index, let container, let exit): try containerExits(index, container, exit)
        case .healthChecked(let index, let container, let passed):
            guard !agents[index].down else { return }
            try stepAgent(
                index, .healthChecked(container, passed: passed, message: passed ? "exited with status 0" : "failed"))
        case .schedulerSubscribes(let index): schedulerSubscribes(index)
        case .schedulerHears(let index, let stream, let event): try schedulerHears(index, stream: stream, event)
        case .schedulerStreamEnds(let index, let stream): schedulerStreamEnds(index, stream: stream)
        case .schedulerCallArrives(let index, let stream, let call):
            var call = call
            call.frameworkID = schedulers[index].frameworkID
            let reply = stepMaster(
                .schedulerCall(call, streamID: SimulatedScheduler.streamID(index, stream).value))
            if reply != .accepted { note("scheduler \(index) \(call.type.rawValue) refused: \(reply)") }
        case .schedulerActs(let index): schedulerActs(index)
        case .fault: injectFault()
        case .appsElected: try appsElected()
        case .appsSubscribes: appsSubscribes()
        case .appsHears(let stream, let event): try appsHears(stream: stream, event)
        case .appsStreamEnds(let stream): try appsStreamEnds(stream: stream)
        case .appsCallArrives(let stream, let call): appsCallArrives(stream: stream, call)
        case .appsTick: try appsTick()
        case .appsActs: try appsActs()
        case .appsProbed(let epoch, let taskID, let check):
            if epoch == apps.epoch { try stepApps(.probed(taskID: taskID, check: check, result: .passed)) }
        }
        if masterSteps != stepsBefore { try checkBooks() }
    }

    // MARK: - The master

    /// Steps the leading master; between a kill and the next election nobody answers.
    @discardableResult
    mutating func stepMaster(_ event: MasterEvent) -> MasterReply {
        guard !leaderless else { return .rejected(status: 503, message: "no master leads") }
        let step = master.step(event, now: now)
        masterSteps += 1
        for action in step.actions { perform(action) }
        let wakeup = master.isTickDue ? now + 1 : max(master.nextWakeup, now)
        if masterTickAt.map({ wakeup < $0 }) ?? true {
            masterTickAt = wakeup
            queue.schedule(.masterTick, at: wakeup)
        }
        return step.reply
    }

    mutating func perform(_ action: MasterAction) {
        switch action {
        case .sendToFramework(let stream, let event):
            guard let (index, generation) = Self.parse(stream, "framework") else { return }
            if index == SimulatedApps.index {
                deliver(.appsHears(stream: generation, event), on: stream.value)
            } else {
                deliver(.schedulerHears(index, stream: generation, event), on: stream.value)
            }
        case .closeFrameworkStream(let stream):
            guard let (index, generation) = Self.parse(stream, "framework") else { return }
            if index == SimulatedApps.index {
                deliver(.appsStreamEnds(stream: generation), on: stream.value)
            } else {
                deliver(.schedulerStreamEnds(index, stream: generation), on: stream.value)
            }
        case .sendToAgent(let stream, let event):
            guard let (index, generation) = Self.parse(stream, "agent") else { return }
            deliver(.agentHears(index, stream: generation, event), on: stream.value, agent: index)
        case .closeAgentStream(let stream):
            guard let (index, generation) = Self.parse(stream, "agent") else { return }
            deliver(.agentStreamEnds(index, stream: generation), on: stream.value, agent: index)
        case .publish, .answerOperator: break
        case .log(let line): note("master: \(line)")
        case .writeRegistry(let id, let operations):
            // Keeper takes the writes in order, after a while.
            registryInFlight.append((id, operations))
            deliver(.registryWritten(id, epoch: masterEpoch), on: "registry")
        }
    }

    /// Schedules a message on a channel: after a random latency, not before the channel's
    /// previous message, and, to or from a partitioned agent, not before the partition heals.
    mutating func deliver(_ event: Event, on channel: String, agent: Int? = nil) {
        guard !cutStreams.contains(channel) else { return }
        let sent = agent.flatMap { partitionEnd($0) } ?? now
        let at = max(sent + Int64(random.between(1, settings.latencyMax)), channelClock[channel] ?? 0)
        channelClock[channel] = at
        queue.schedule(event, at: at)
    }

    static func agentStream(_ index: Int, _ generation: Int) -> StreamID { StreamID("agent-\(index)-\(generation)") }

    /// `("agent", 2, 5)` from `agent-2-5`.
    static func parse(_ stream: StreamID, _ kind: String) -> (Int, Int)? {
        let parts = stream.value.split(separator: "-")
        guard parts.count == 3, parts[0] == kind, let index = Int(parts[1]), let generation = Int(parts[2]) else {
            return nil
        }
        return (index, generation)
    }
}
