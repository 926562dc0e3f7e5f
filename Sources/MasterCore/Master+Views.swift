import ClusterCore
import ClusterProtocol

/// The master's books as Mesos' operator API reports them (`GET_STATE`, `GET_AGENTS`,
/// `GET_FRAMEWORKS`, `GET_TASKS`, `GET_ROLES`, and the events of its SUBSCRIBE stream).
extension Master {
    /// A task as Mesos' `Task` message.
    public func operatorTask(_ task: TaskRecord) -> Mesos.Task {
        Mesos.Task(
            name: task.info.name, taskID: task.taskID, frameworkID: task.frameworkID, executorID: task.executorID,
            agentID: task.agentID, state: task.state, resources: task.info.resources, statuses: task.statuses,
            statusUpdateState: task.unacknowledged?.state, statusUpdateUuid: task.unacknowledged?.uuid,
            labels: task.info.labels, container: task.info.container, killPolicy: task.info.killPolicy,
            user: task.info.command?.user ?? frameworks[task.frameworkID]?.info.user)
    }

    /// Outstanding offers by agent and by framework, from one pass over them: what every
    /// view of many agents or frameworks starts from, instead of a pass per record.
    public struct Usage: Sendable {
        public var offeredOnAgent: [AgentID: Resources] = [:]
        public var offersOfFramework: [FrameworkID: [Offer]] = [:]

        public func offered(to framework: FrameworkID) -> Resources {
            (offersOfFramework[framework] ?? []).reduce(into: Resources()) { $0.add($1.resources) }
        }
    }

    public var usage: Usage {
        var usage = Usage()
        for offer in allocator.offersInOrder {
            usage.offeredOnAgent[offer.agent, default: Resources()].add(offer.resources)
            usage.offersOfFramework[offer.framework, default: []].append(offer)
        }
        return usage
    }

    /// What a framework's tasks hold (until the master learns they ended).
    public func inUse(by record: FrameworkRecord) -> Resources {
        var held = Resources()
        for task in record.tasks.values where !task.resourcesRecovered { held.add(task.resources) }
        return held
    }

    /// What tasks and executors use on an agent: its allocation less its offers.
    public func inUse(on record: AgentRecord, _ usage: Usage) -> Resources {
        let allocated = allocator.agents[record.modelID]?.allocated ?? Resources()
        return allocated.removing(usage.offeredOnAgent[record.modelID] ?? Resources())
    }

    public func operatorFramework(
        _ record: FrameworkRecord, _ usage: Usage? = nil
    ) -> Mesos.OperatorResponse.GetFrameworks.Framework {
        let usage = usage ?? self.usage
        return Mesos.OperatorResponse.GetFrameworks.Framework(
            frameworkInfo: record.info, active: record.active, connected: record.isConnected, recovered: false,
            registeredTime: time(record.registeredAt), reregisteredTime: record.reregisteredAt.map(time),
            unregisteredTime: record.disconnectedAt.map(time),
            offers: (usage.offersOfFramework[record.modelID] ?? []).map(wireOffer),
            allocatedResources: [Mesos.Resource](inUse(by: record)),
            offeredResources: [Mesos.Resource](usage.offered(to: record.modelID)))
    }

    public func operatorAgent(_ record: AgentRecord, _ usage: Usage? = nil) -> Mesos.OperatorResponse.GetAgents.Agent {
        let usage = usage ?? self.usage
        var agent = Mesos.OperatorResponse.GetAgents.Agent(
            agentInfo: record.info, active: record.isConnected, deactivated: registry.agents[record.id]?.deactivated,
            version: Master.mesosVersion, pid: "slave(1)@\(record.info.hostname):\(record.info.port ?? 5051)",
            registeredTime: time(record.registeredAt), reregisteredTime: record.reregisteredAt.map(time),
            totalResources: [Mesos.Resource](record.total),
            allocatedResources: [Mesos.Resource](inUse(on: record, usage)),
            offeredResources: [Mesos.Resource](usage.offeredOnAgent[record.modelID] ?? Resources()))
        agent.drainInfo = drainInfo(record.id)
        return agent
    }

    /// The agent's drain as the operator API shows it, if it is draining or drained.
    public func drainInfo(_ id: Mesos.AgentID) -> Mesos.DrainInfo? {
        guard let drain = registry.agents[id]?.drain else { return nil }
        return Mesos.DrainInfo(
            state: drain.state == .draining ? .draining : .drained,
            config: .init(
                maxGracePeriod: drain.maxGracePeriod.map { Mesos.DurationInfo(nanoseconds: $0 * 1_000_000) },
                markGone: drain.markGone))
    }

    public var operatorAgents: Mesos.OperatorResponse.GetAgents {
        let usage = usage
        return Mesos.OperatorResponse.GetAgents(agents: agents.keys.sorted().map { operatorAgent(agents[$0]!, usage) })
    }

    public var operatorFrameworks: Mesos.OperatorResponse.GetFrameworks {
        let usage = usage
        return Mesos.OperatorResponse.GetFrameworks(
            frameworks: frameworks.keys.sorted().map { operatorFramework(frameworks[$0]!, usage) },
            completedFrameworks: completedFrameworks.map { operatorFramework($0, usage) })
    }

    public var operatorTasks: Mesos.OperatorResponse.GetTasks {
        var tasks: [Mesos.Task] = []
        var completed: [Mesos.Task] = []
        var unreachable: [Mesos.Task] = []
        for id in frameworks.keys.sorted() {
            let record = frameworks[id]!
            for taskID in record.tasks.keys.sorted() { tasks.append(operatorTask(record.tasks[taskID]!)) }
            completed += record.completedTasks.map(operatorTask)
            unreachable += record.unreachableTasks.values.sorted { $0.key < $1.key }.map(operatorTask)
        }
        for record in completedFrameworks { completed += (record.completedTasks).map(operatorTask) }
        return Mesos.OperatorResponse.GetTasks(tasks: tasks, unreachableTasks: unreachable, completedTasks: completed)
    }

    public var operatorExecutors: Mesos.OperatorResponse.GetExecutors {
        var executors: [Mesos.OperatorResponse.GetExecutors.Executor] = []
        for id in frameworks.keys.sorted() {
            for (agentID, byID) in frameworks[id]!.executors.sorted(by: { $0.key < $1.key }) {
                for executorID in byID.keys.sorted() {
                    executors.append(.init(executorInfo: byID[executorID]!, agentID: agentID))
                }
            }
        }
        return Mesos.OperatorResponse.GetExecutors(executors: executors)
    }

    public var operatorState: Mesos.OperatorResponse.GetState {
        Mesos.OperatorResponse.GetState(
            getTasks: operatorTasks, getExecutors: operatorExecutors, getFrameworks: operatorFrameworks,
            getAgents: operatorAgents)
    }

    /// Every role with a framework or an allocation: its weight, frameworks and what it holds.
    public var operatorRoles: Mesos.OperatorResponse.GetRoles {
        var members: [String: [Mesos.FrameworkID]] = [:]
        for id in frameworks.keys.sorted() {
            for role in frameworks[id]!.info.effectiveRoles { members[role, default: []].append(id) }
        }
        var held: [String: Resources] = [:]
        for (key, resources) in allocator.used { held[key.role, default: Resources()].add(resources) }
        for offer in allocator.offers.values { held[offer.role, default: Resources()].add(offer.resources) }
        let names = Set(members.keys).union(held.keys).union(config.allocator.weights.keys).sorted()
        return Mesos.OperatorResponse.GetRoles(
            roles: names.map { role in
                Mesos.Role(
                    name: role, weight: Double(config.allocator.weight(of: role).thousandths) / 1000,
                    frameworks: members[role] ?? [],
                    resources: [Mesos.Resource](held[role] ?? Resources()))
            })
    }

    /// The Mesos release whose API this master speaks, as `/version` reports it: purely
    /// numeric, since clients parse each part as an integer.
    public static let mesosVersion = "1.11.0"

    func time(_ milliseconds: Int64) -> Mesos.TimeInfo { Mesos.TimeInfo(nanoseconds: milliseconds * 1_000_000) }
}
