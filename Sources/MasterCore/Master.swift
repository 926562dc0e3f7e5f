import ClusterCore
import ClusterProtocol

/// The leading master as a pure state machine: Mesos' master, minus the network. Schedulers
/// subscribe and call, agents register and report status updates, time passes; each
/// `step` returns the reply to the request that carried the event and the actions for the
/// edge (events on streams, streams to close, operator events, log lines).
///
/// It reads no clock: `now` is the edge's wall-clock milliseconds since the Unix epoch,
/// made monotonic by the edge, so timers and the timestamps the API shows come from one
/// number. The allocator (`ClusterCore.Allocator`) decides who is offered what; this type
/// keeps the books of frameworks, agents, tasks and streams around it.
///
/// The registry (`Registry`, kept in Keeper by the edge) holds the agents admitted and the
/// frameworks: a new agent is admitted, and told REGISTERED, only once its admission is
/// written; a master that takes over starts from the registry, with its frameworks waiting
/// to subscribe again for their failover timeouts, and learns the agents' tasks as they
/// register again.
///
/// Departures from Mesos: only LAUNCH and LAUNCH_GROUP operations are carried out.
public struct Master: Sendable {
    public let config: MasterConfig
    public internal(set) var allocator: Allocator
    public internal(set) var frameworks: [Mesos.FrameworkID: FrameworkRecord] = [:]
    public internal(set) var agents: [Mesos.AgentID: AgentRecord] = [:]
    /// Frameworks removed, newest last, at most `completedFrameworksMax`.
    public internal(set) var completedFrameworks = RecentHistory<FrameworkRecord>()
    /// Agents removed (they unregistered), at most `removedAgentsMax`.
    public internal(set) var removedAgents = RecentSet<Mesos.AgentID>()
    public let startedAt: Int64
    /// The registry as Keeper has it: changed only by writes Keeper took.
    public internal(set) var registry: Registry

    var frameworkStreams: [StreamID: Mesos.FrameworkID] = [:]
    var agentStreams: [StreamID: Mesos.AgentID] = [:]
    /// When each outstanding offer was made, for `offerTimeout`.
    var offerMadeAt: [OfferID: Int64] = [:]
    /// What each executor holds itself, beyond its tasks, until it exits.
    var executorResources: [ExecutorKey: ExecutorResources] = [:]
    var nextFrameworkNumber = 0
    var nextAgentNumber = 0
    var nextAllocationAt: Int64
    /// Allocation rounds run so far (the edge times the steps that run one).
    public internal(set) var allocationRounds = 0
    /// Agents to offer at the next tick, between full rounds.
    var agentsToAllocate: Set<AgentID> = []
    /// A framework is to be removed at the next tick (its failover timeout is zero).
    var isRemovalDue = false
    /// Registry writes asked for and not yet answered, by id, with what waits for each.
    var registryWrites: [Int: RegistryWrite] = [:]
    var nextRegistryWrite = 0
    /// When unreachable and gone agents past their time are next pruned from the registry.
    var nextRegistryGCAt: Int64
    /// New agents whose admission is being written, by id.
    var pendingAdmissions: [Mesos.AgentID: PendingAdmission] = [:]
    /// True once the registry's agents that did not register again were marked unreachable.
    var recoveredAgentsMarked = false
    /// Agents whose marking as unreachable is being written.
    var markingUnreachable: Set<Mesos.AgentID> = []
    /// Agents whose maintenance (an operator's call, or the end of a drain) is being written.
    var maintaining: Set<Mesos.AgentID> = []
    var now: Int64
    var outbox: [MasterAction] = []

    /// A master that starts leading with `registry`, as read from Keeper: its frameworks
    /// are recovered, disconnected, until they subscribe again or their failover timeouts
    /// run out.
    public init(config: MasterConfig, now: Int64, registry: Registry = Registry()) {
        self.config = config
        self.allocator = Allocator(sorter: config.sorter, config: config.allocator)
        self.startedAt = now
        self.now = now
        self.nextAllocationAt = now
        self.nextRegistryGCAt = now + config.registryGCInterval
        self.registry = registry
        for info in registry.frameworks.values.sorted(by: { $0.id! < $1.id! }) {
            recoverFramework(info, from: "the registry")
        }
    }

    /// Takes one event at time `now` (never earlier than the last step's).
    public mutating func step(_ event: MasterEvent, now: Int64) -> MasterStep {
        precondition(now >= self.now, "time went back from \(self.now) to \(now)")
        self.now = now
        outbox = []
        let reply: MasterReply
        switch event {
        case .schedulerSubscribe(let call, let stream): reply = onSubscribe(call, stream: stream)
        case .schedulerCall(let call, let streamID): reply = onSchedulerCall(call, streamID: streamID)
        case .schedulerClosed(let stream):
            onSchedulerClosed(stream)
            reply = .none
        case .agentRegister(let register, let stream): reply = onAgentRegister(register, stream: stream)
        case .agentCalls(let calls, let streamID): reply = onAgentCalls(calls, streamID: streamID)
        case .agentClosed(let stream):
            onAgentClosed(stream)
            reply = .none
        case .registryWritten(let id, let refusal):
            onRegistryWritten(id, refusal: refusal)
            reply = .none
        case .maintenance(let call, let request): reply = onMaintenance(call, request: request)
        case .operatorTeardown(let id): reply = onOperatorTeardown(id)
        case .tick:
            onTick()
            reply = .none
        }
        let actions = outbox
        outbox = []
        return MasterStep(reply: reply, actions: actions)
    }

    /// True when a step asked for a tick at once (an allocation round, a framework whose
    /// failover timeout is zero): the edge ticks without waiting for `nextWakeup`, which
    /// it reads only between ticks, since it walks every framework and agent.
    public var isTickDue: Bool { !agentsToAllocate.isEmpty || nextAllocationAt <= now || isRemovalDue }

    /// When the next timer falls due: the edge ticks then (or sooner).
    public var nextWakeup: Int64 {
        var wakeup = agentsToAllocate.isEmpty ? nextAllocationAt : now
        for framework in frameworks.values {
            if framework.isConnected { wakeup = min(wakeup, framework.nextHeartbeatAt) }
            if let deadline = framework.failoverDeadline { wakeup = min(wakeup, deadline) }
        }
        for agent in agents.values where agent.isConnected { wakeup = min(wakeup, agent.nextPingAt) }
        wakeup = min(wakeup, nextSilenceDeadline)
        if let deadline = reregistrationDeadline { wakeup = min(wakeup, deadline) }
        wakeup = min(wakeup, nextRegistryGCAt)
        if let timeout = config.offerTimeout, let oldest = offerMadeAt.values.min() {
            wakeup = min(wakeup, oldest + timeout)
        }
        return wakeup
    }

    /// Asks for an allocation round at the next tick: resources came free or a framework
    /// wants offers.
    mutating func allocateSoon() { nextAllocationAt = min(nextAllocationAt, now) }

    /// Asks for a round over one agent at the next tick: resources came free there.
    mutating func allocateSoon(on agent: Mesos.AgentID) { agentsToAllocate.insert(AgentID(agent.value)) }

    mutating func emit(_ action: MasterAction) { outbox.append(action) }

    mutating func log(_ line: String) { outbox.append(.log(line)) }

    /// `now` as Mesos' TaskStatus timestamp: seconds since the epoch.
    var timestamp: Double { Double(now) / 1000 }

    /// Ids as Mesos makes them: frameworks `<master id>-0000` (four digits at least),
    /// agents `<master id>-S0`, offers `<master id>-O0`.
    func frameworkID(_ number: Int) -> String {
        let digits = String(number)
        return config.idPrefix + "-" + String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }

    func agentID(_ number: Int) -> String { config.idPrefix + "-S" + String(number) }
}
