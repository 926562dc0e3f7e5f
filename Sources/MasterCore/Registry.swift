import ClusterProtocol

/// What a leading master must not lose when another takes over, as Mesos keeps it in its
/// registry: every agent it admitted and what became of it (admitted, unreachable since a
/// time, gone since a time), and the frameworks with their infos (their failover timeouts
/// among them). It lives in Keeper (`MasterServer.RegistryStore`, one znode per agent and
/// per framework); the leader changes its copy only with an operation Keeper has taken, and
/// a new leader starts from what it reads.
public struct Registry: Sendable, Equatable {
    public var agents: [Mesos.AgentID: Agent] = [:]
    public var frameworks: [Mesos.FrameworkID: Mesos.FrameworkInfo] = [:]

    public init(agents: [Mesos.AgentID: Agent] = [:], frameworks: [Mesos.FrameworkID: Mesos.FrameworkInfo] = [:]) {
        self.agents = agents
        self.frameworks = frameworks
    }

    /// One agent's entry.
    public struct Agent: Codable, Sendable, Equatable {
        public enum State: String, Codable, Sendable {
            case admitted = "ADMITTED"
            case unreachable = "UNREACHABLE"
            case gone = "GONE"
        }

        public var info: Mesos.AgentInfo
        public var state: State
        /// When it became unreachable or gone, in the master's milliseconds.
        public var since: Int64?
        /// The operator deactivated it (DEACTIVATE_AGENT, DRAIN_AGENT): it is offered nothing.
        public var deactivated: Bool
        /// The operator is draining it, or drained it (DRAIN_AGENT).
        public var drain: Drain?

        public init(
            info: Mesos.AgentInfo, state: State, since: Int64? = nil, deactivated: Bool = false, drain: Drain? = nil
        ) {
            self.info = info
            self.state = state
            self.since = since
            self.deactivated = deactivated
            self.drain = drain
        }

        enum CodingKeys: String, CodingKey {
            case info, state, since, deactivated, drain
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            info = try container.decode(Mesos.AgentInfo.self, forKey: .info)
            state = try container.decode(State.self, forKey: .state)
            since = try container.decodeIfPresent(Int64.self, forKey: .since)
            deactivated = try container.decodeIfPresent(Bool.self, forKey: .deactivated) ?? false
            drain = try container.decodeIfPresent(Drain.self, forKey: .drain)
        }
    }

    /// An agent's drain, as Mesos' DrainInfo: DRAINING until its tasks are gone, then DRAINED.
    public struct Drain: Codable, Sendable, Equatable {
        public enum State: String, Codable, Sendable {
            case draining = "DRAINING"
            case drained = "DRAINED"
        }

        public var state: State
        /// The longest a task may take to end once killed, in milliseconds; nil keeps each
        /// task's own kill policy.
        public var maxGracePeriod: Int64?
        /// Once drained, the agent is marked gone.
        public var markGone: Bool

        public init(state: State, maxGracePeriod: Int64?, markGone: Bool) {
            self.state = state
            self.maxGracePeriod = maxGracePeriod
            self.markGone = markGone
        }
    }

    /// The registry after `operation`, or why it does not apply (the registry is then
    /// unchanged, as Mesos' registrar leaves it).
    public func applying(_ operation: RegistryOperation) -> Result<Registry, RegistryRefusal> {
        var next = self
        switch operation {
        case .admitAgent(let info):
            guard let id = info.id else { return .failure(.init("an agent is admitted with its id")) }
            guard agents[id] == nil else { return .failure(.init("agent \(id) is already in the registry")) }
            next.agents[id] = Agent(info: info, state: .admitted)
        case .markUnreachable(let id, let time):
            guard agents[id]?.state == .admitted else { return .failure(.init("agent \(id) is not admitted")) }
            next.agents[id]!.state = .unreachable
            next.agents[id]!.since = time
        case .markReachable(let info):
            guard let id = info.id, agents[id]?.state == .unreachable else {
                return .failure(.init("agent \(info.id?.value ?? "(no id)") is not unreachable"))
            }
            let before = agents[id]!
            next.agents[id] = Agent(info: info, state: .admitted, deactivated: before.deactivated, drain: before.drain)
        case .markGone(let id, let time):
            guard let agent = agents[id], agent.state != .gone else {
                return .failure(.init("agent \(id) is not admitted or unreachable"))
            }
            next.agents[id] = Agent(info: agent.info, state: .gone, since: time)
        case .removeAgent(let id):
            guard agents[id]?.state == .admitted else { return .failure(.init("agent \(id) is not admitted")) }
            next.agents[id] = nil
        case .pruneAgent(let id):
            guard let agent = agents[id], agent.state != .admitted else {
                return .failure(.init("agent \(id) is not unreachable or gone"))
            }
            next.agents[id] = nil
        case .deactivateAgent(let id):
            guard let agent = agents[id], agent.state != .gone else {
                return .failure(.init("agent \(id) is not known"))
            }
            next.agents[id]!.deactivated = true
        case .reactivateAgent(let id):
            guard let agent = agents[id], agent.state != .gone, agent.deactivated else {
                return .failure(.init("agent \(id) is not deactivated"))
            }
            next.agents[id]!.deactivated = false
            next.agents[id]!.drain = nil
        case .drainAgent(let id, let maxGracePeriod, let markGone):
            guard let agent = agents[id], agent.state != .gone else {
                return .failure(.init("agent \(id) is not known"))
            }
            next.agents[id]!.deactivated = true
            next.agents[id]!.drain = Drain(state: .draining, maxGracePeriod: maxGracePeriod, markGone: markGone)
        case .markAgentDrained(let id):
            guard agents[id]?.drain?.state == .draining else {
                return .failure(.init("agent \(id) is not draining"))
            }
            next.agents[id]!.drain!.state = .drained
        case .addFramework(let info):
            guard let id = info.id else { return .failure(.init("a framework is added with its id")) }
            next.frameworks[id] = info
        case .removeFramework(let id):
            guard frameworks[id] != nil else { return .failure(.init("framework \(id) is not in the registry")) }
            next.frameworks[id] = nil
        }
        return .success(next)
    }
}

/// A change to the registry. Each one rewrites exactly one entry (`entry`), so the store
/// writes each as one znode's create, set or delete.
public enum RegistryOperation: Sendable, Equatable {
    /// A new agent registers (Mesos' AdmitSlave).
    case admitAgent(Mesos.AgentInfo)
    /// An admitted agent stopped answering (MarkSlaveUnreachable).
    case markUnreachable(Mesos.AgentID, at: Int64)
    /// An unreachable agent came back (MarkSlaveReachable).
    case markReachable(Mesos.AgentInfo)
    /// The operator declared the agent gone for good (MarkSlaveGone).
    case markGone(Mesos.AgentID, at: Int64)
    /// An agent that unregistered (RemoveSlave).
    case removeAgent(Mesos.AgentID)
    /// An unreachable or gone agent leaves the registry (Mesos' PruneUnreachable).
    case pruneAgent(Mesos.AgentID)
    /// The operator stopped offering the agent (DeactivateAgent).
    case deactivateAgent(Mesos.AgentID)
    /// The operator offers the agent again, ending a drain (ReactivateAgent).
    case reactivateAgent(Mesos.AgentID)
    /// The operator drains the agent: deactivated, its tasks killed (DrainAgent).
    case drainAgent(Mesos.AgentID, maxGracePeriod: Int64?, markGone: Bool)
    /// A draining agent has no task left (MarkAgentDrained).
    case markAgentDrained(Mesos.AgentID)
    /// A framework subscribed, or changed its info.
    case addFramework(Mesos.FrameworkInfo)
    /// A framework was torn down or outlived its failover timeout.
    case removeFramework(Mesos.FrameworkID)

    /// An operator's change to an agent, or the end of a drain.
    public var isMaintenance: Bool {
        switch self {
        case .deactivateAgent, .reactivateAgent, .drainAgent, .markAgentDrained, .markGone: true
        default: false
        }
    }

    public enum Entry: Hashable, Sendable {
        case agent(Mesos.AgentID)
        case framework(Mesos.FrameworkID)
    }

    /// The entry the operation rewrites; nil for an operation that names none (refused
    /// by `Registry.applying` anyway).
    public var entry: Entry? {
        switch self {
        case .admitAgent(let info), .markReachable(let info): info.id.map(Entry.agent)
        case .markUnreachable(let id, _), .markGone(let id, _), .removeAgent(let id), .pruneAgent(let id),
            .deactivateAgent(let id),
            .reactivateAgent(let id), .drainAgent(let id, _, _), .markAgentDrained(let id):
            .agent(id)
        case .addFramework(let info): info.id.map(Entry.framework)
        case .removeFramework(let id): .framework(id)
        }
    }
}

/// Why an operation does not apply to the registry.
public struct RegistryRefusal: Error, Equatable, Sendable, CustomStringConvertible {
    public var message: String

    public init(_ message: String) { self.message = message }

    public var description: String { message }
}
