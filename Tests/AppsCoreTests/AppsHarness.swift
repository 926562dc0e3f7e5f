import AppsCore
import ClusterProtocol
import Testing

/// Drives an `AppsScheduler` the way the edge does, with a small cluster standing in for
/// the master: offers come from its agents, launched tasks run there, and kills end them.
struct AppsHarness {
    var scheduler: AppsScheduler
    var now: Int64 = 1_700_000_000_000
    var calls: [Mesos.SchedulerCall] = []
    var stored: [AppsStoreOperation] = []
    var events: [AppsEvent] = []
    var probes: [HealthProbe] = []
    /// Agents by id: hostname, attributes and free resources.
    var agents: [String: (hostname: String, attributes: [Mesos.Attribute], free: [Mesos.Resource])] = [:]
    /// Tasks the "master" launched and has not seen end: id → agent.
    var running: [String: String] = [:]
    var nextOffer = 0

    init(state: AppsState = AppsState(), configure: (inout AppsConfig) -> Void = { _ in }) {
        var config = AppsConfig(idPrefix: "t1")
        configure(&config)
        scheduler = AppsScheduler(config: config, now: now, state: state)
    }

    @discardableResult
    mutating func step(_ input: AppsInput) -> AppsReply {
        let (reply, actions) = scheduler.step(input, now: now)
        for action in actions {
            switch action {
            case .call(let call): calls.append(call)
            case .store(let operation): stored.append(operation)
            case .publish(let event): events.append(event)
            case .probe(let probe): probes.append(probe)
            case .log: break
            }
        }
        return reply
    }

    mutating func addAgent(
        _ id: String, cpus: Double = 4, mem: Double = 4096, ports: ClosedRange<UInt64> = 31000...31099,
        attributes: [String: String] = [:]
    ) {
        let resources = [
            Mesos.Resource(name: "cpus", type: .scalar, scalar: .init(value: cpus)),
            Mesos.Resource(name: "mem", type: .scalar, scalar: .init(value: mem)),
            Mesos.Resource(name: "disk", type: .scalar, scalar: .init(value: 10000)),
            Mesos.Resource(
                name: "ports", type: .ranges,
                ranges: .init(range: [.init(begin: ports.lowerBound, end: ports.upperBound)])),
        ]
        let attrs = attributes.sorted { $0.key < $1.key }.map {
            Mesos.Attribute(name: $0.key, type: .text, text: .init(value: $0.value))
        }
        agents[id] = ("host-" + id, attrs, resources)
    }

    mutating func subscribe() { step(.subscribed(frameworkID: "fw")) }

    /// Offers every agent's full resources once; tasks accepted start running at once.
    mutating func offerAll(runLaunched: Bool = true) {
        let offers = agents.keys.sorted().map { id -> Mesos.Offer in
            nextOffer += 1
            let agent = agents[id]!
            return Mesos.Offer(
                id: .init(value: "o\(nextOffer)"), frameworkID: .init(value: "fw"), agentID: .init(value: id),
                hostname: agent.hostname, resources: agent.free, attributes: agent.attributes)
        }
        let before = calls.count
        step(.offers(offers))
        let launched = calls[before...].filter { $0.type == .accept }.flatMap { $0.accept!.operations }.flatMap {
            $0.launch?.taskInfos ?? []
        }
        for task in launched {
            running[task.taskID.value] = task.agentID.value
            if runLaunched { update(task.taskID.value, .running) }
        }
    }

    mutating func update(_ id: String, _ state: Mesos.TaskState, healthy: Bool? = nil) {
        let agent = running[id] ?? "a1"
        if state.isTerminal { running[id] = nil }
        step(
            .update(
                Mesos.TaskStatus(
                    taskID: .init(value: id), state: state, agentID: .init(value: agent),
                    uuid: Mesos.Bytes(Array(repeating: 1, count: 16)),
                    healthy: healthy)))
    }

    /// Ends every task the scheduler asked to kill since `from` (as the master would).
    mutating func carryOutKills(since from: Int = 0) {
        for call in calls[from...] where call.type == .kill {
            let id = call.kill!.taskID.value
            if running[id] != nil { update(id, .killed) }
        }
    }

    mutating func advance(_ milliseconds: Int64) {
        now += milliseconds
        step(.tick)
    }

    func tasks(of app: String) -> [AppTask] {
        scheduler.tasks.values.filter { $0.appID == AppID(app) }.sorted { $0.id < $1.id }
    }

    mutating func create(_ json: AppUpdate) -> AppsReply { step(.request(.create(json))) }

    static func app(
        _ id: String, instances: Int = 1, cmd: String = "sleep 1000", configure: (inout AppUpdate) -> Void = { _ in }
    )
        -> AppUpdate
    {
        var update = AppUpdate()
        update.id = id
        update.cmd = cmd
        update.instances = instances
        update.cpus = 0.5
        update.mem = 64
        configure(&update)
        return update
    }
}
