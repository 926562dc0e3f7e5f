import ClusterCore
import ClusterProtocol
import MasterCore
import Testing

/// Drives a `Master` the way the edge does and keeps what it sent to each stream.
struct MasterHarness {
    var master: Master
    var now: Int64 = 1_000_000
    /// Everything sent, by stream, in order.
    var framework: [StreamID: [Mesos.SchedulerEvent]] = [:]
    var agent: [StreamID: [AgentEvent]] = [:]
    var closed: Set<StreamID> = []
    var published: [Mesos.OperatorEvent] = []
    /// Registry writes asked for and not yet answered, in order.
    var registryWrites: [(id: Int, operations: [RegistryOperation])] = []
    /// Operators' maintenance calls answered: the request and the refusal, if refused.
    var answers: [(request: Int, refusal: String?)] = []
    /// Answer every registry write as soon as it is asked for (as Keeper would, quickly).
    var writesRegistryAtOnce = true

    init(registry: Registry = Registry(), configure: (inout MasterConfig) -> Void = { _ in }) {
        var config = MasterConfig(masterInfo: Mesos.MasterInfo(id: "M", ip: 16_777_343, port: 5050))
        configure(&config)
        master = Master(config: config, now: now, registry: registry)
    }

    @discardableResult
    mutating func step(_ event: MasterEvent) -> MasterReply {
        let result = master.step(event, now: now)
        for action in result.actions {
            switch action {
            case .sendToFramework(let stream, let event): framework[stream, default: []].append(event)
            case .sendToAgent(let stream, let event): agent[stream, default: []].append(event)
            case .closeFrameworkStream(let stream), .closeAgentStream(let stream): closed.insert(stream)
            case .publish(let event): published.append(event)
            case .writeRegistry(let id, let operations): registryWrites.append((id, operations))
            case .answerOperator(let request, let refusal): answers.append((request, refusal))
            case .log: break
            }
        }
        if writesRegistryAtOnce { completeRegistryWrites() }
        return result.reply
    }

    /// Answers the registry writes waiting, oldest first: taken, or refused with `refusal`.
    mutating func completeRegistryWrites(refusal: String? = nil) {
        while !registryWrites.isEmpty {
            let write = registryWrites.removeFirst()
            step(.registryWritten(write.id, refusal: refusal))
        }
    }

    mutating func advance(_ milliseconds: Int64) {
        now += milliseconds
        step(.tick)
    }

    /// Subscribes a framework on stream `name`; returns its id.
    mutating func subscribe(_ name: String, info: Mesos.FrameworkInfo? = nil) -> Mesos.FrameworkID {
        let info = info ?? Mesos.FrameworkInfo(user: "test", name: name)
        let reply = step(
            .schedulerSubscribe(
                Mesos.SchedulerCall(type: .subscribe, subscribe: .init(frameworkInfo: info)), stream: StreamID(name)))
        #expect(reply == .streaming)
        return framework[StreamID(name)]!.first!.subscribed!.frameworkID
    }

    /// Registers an agent on stream `name` with `resources`; returns its id.
    mutating func register(_ name: String, _ resources: String) -> Mesos.AgentID {
        let total = try! Resources(parsing: resources)
        let info = Mesos.AgentInfo(hostname: name + ".example", resources: [Mesos.Resource](total))
        #expect(step(.agentRegister(AgentCall.Register(agentInfo: info), stream: StreamID(name))) == .streaming)
        return agent[StreamID(name)]!.first!.registered!.agentID
    }

    /// A call from framework `name` on its stream.
    @discardableResult
    mutating func call(_ name: String, _ id: Mesos.FrameworkID, _ call: Mesos.SchedulerCall) -> MasterReply {
        var call = call
        call.frameworkID = id
        return step(.schedulerCall(call, streamID: name))
    }

    /// The offers framework `name` has received and not yet looked at.
    mutating func takeOffers(_ name: String) -> [Mesos.Offer] {
        let events = framework[StreamID(name)] ?? []
        framework[StreamID(name)] = events.filter { $0.type != .offers }
        return events.compactMap(\.offers).flatMap(\.offers)
    }

    mutating func takeUpdates(_ name: String) -> [Mesos.TaskStatus] {
        let events = framework[StreamID(name)] ?? []
        framework[StreamID(name)] = events.filter { $0.type != .update }
        return events.compactMap(\.update).map(\.status)
    }

    mutating func takeAgentEvents(_ name: String) -> [AgentEvent] {
        defer { agent[StreamID(name)] = [] }
        return agent[StreamID(name)] ?? []
    }

    /// An agent's status update for a task, with a uuid made from `n`.
    mutating func update(
        _ agentName: String, _ agentID: Mesos.AgentID, framework: Mesos.FrameworkID, task: String,
        _ state: Mesos.TaskState, uuid n: UInt8, latest: Mesos.TaskState? = nil
    ) {
        var status = Mesos.TaskStatus(taskID: Mesos.TaskID(value: task), state: state)
        status.uuid = Self.uuid(n)
        status.agentID = agentID
        status.source = .executor
        let call = AgentCall(
            type: .update, agentID: agentID, update: .init(frameworkID: framework, status: status, latestState: latest))
        #expect(step(.agentCalls([call], streamID: agentName)) == .accepted)
    }

    static func uuid(_ n: UInt8) -> Mesos.Bytes { Mesos.Bytes([UInt8](repeating: n, count: 16)) }

    static func commandTask(_ id: String, on agent: Mesos.AgentID, _ resources: String) -> Mesos.TaskInfo {
        var task = Mesos.TaskInfo(
            name: id, taskID: Mesos.TaskID(value: id), agentID: agent,
            resources: [Mesos.Resource](try! Resources(parsing: resources)))
        task.command = Mesos.CommandInfo(value: "sleep 10")
        return task
    }

    static func accept(_ offers: [Mesos.Offer], _ tasks: [Mesos.TaskInfo], refuse: Double? = nil) -> Mesos.SchedulerCall
    {
        Mesos.SchedulerCall(
            type: .accept,
            accept: .init(
                offerIDs: offers.map(\.id), operations: [.launch(tasks)],
                filters: refuse.map { Mesos.Filters(refuseSeconds: $0) }))
    }
}
