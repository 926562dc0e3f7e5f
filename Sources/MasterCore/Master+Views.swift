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

    public func operatorFramework(_ record: FrameworkRecord) -> Mesos.OperatorResponse.GetFrameworks.Framework {
        let offers = allocator.offersInOrder.filter { $0.framework == record.modelID }
        var offered = Resources()
        for offer in offers { offered.add(offer.resources) }
        var allocated = Resources()
        for task in record.tasks.values where !task.resourcesRecovered { allocated.add(task.resources) }
        return Mesos.OperatorResponse.GetFrameworks.Framework(
            frameworkInfo: record.info, active: record.active, connected: record.isConnected, recovered: false,
            registeredTime: time(record.registeredAt), reregisteredTime: record.reregisteredAt.map(time),
            unregisteredTime: record.disconnectedAt.map(time), offers: offers.map(wireOffer),
            allocatedResources: [Mesos.Resource](allocated), offeredResources: [Mesos.Resource](offered))
    }

    public func operatorAgent(_ record: AgentRecord) -> Mesos.OperatorResponse.GetAgents.Agent {
        let books = allocator.agents[record.modelID]
        let offered = allocator.offersInOrder.filter { $0.agent == record.modelID }.reduce(into: Resources()) {
            $0.add($1.resources)
        }
        let allocated = (books?.allocated ?? Resources()).removing(offered)
        return Mesos.OperatorResponse.GetAgents.Agent(
            agentInfo: record.info, active: record.isConnected, deactivated: !record.isConnected,
            version: Master.mesosVersion, pid: "slave(1)@\(record.info.hostname):\(record.info.port ?? 5051)",
            registeredTime: time(record.registeredAt), reregisteredTime: record.reregisteredAt.map(time),
            totalResources: [Mesos.Resource](record.total), allocatedResources: [Mesos.Resource](allocated),
            offeredResources: [Mesos.Resource](offered))
    }

    public var operatorAgents: Mesos.OperatorResponse.GetAgents {
        Mesos.OperatorResponse.GetAgents(agents: agents.keys.sorted().map { operatorAgent(agents[$0]!) })
    }

    public var operatorFrameworks: Mesos.OperatorResponse.GetFrameworks {
        Mesos.OperatorResponse.GetFrameworks(
            frameworks: frameworks.keys.sorted().map { operatorFramework(frameworks[$0]!) },
            completedFrameworks: completedFrameworks.map(operatorFramework))
    }

    public var operatorTasks: Mesos.OperatorResponse.GetTasks {
        var tasks: [Mesos.Task] = []
        var completed: [Mesos.Task] = []
        for id in frameworks.keys.sorted() {
            let record = frameworks[id]!
            for taskID in record.tasks.keys.sorted() { tasks.append(operatorTask(record.tasks[taskID]!)) }
            completed += record.completedTasks.map(operatorTask)
        }
        for record in completedFrameworks { completed += (record.completedTasks).map(operatorTask) }
        return Mesos.OperatorResponse.GetTasks(tasks: tasks, completedTasks: completed)
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
