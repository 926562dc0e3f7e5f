import ClusterCore
import ClusterProtocol

/// A framework's scheduler as the cluster simulation plays it: it subscribes (again with its
/// id after its stream breaks), accepts some offers with a few small command tasks and
/// declines the rest, acknowledges every update, and now and then kills a task or asks to
/// reconcile. It keeps what it has heard of each task, and refuses to hear a task come
/// back from a terminal state.
struct SimulatedScheduler {
    let index: Int
    var frameworkID: Mesos.FrameworkID?
    /// The generation of its current stream; nil while it has none.
    var stream: Int?
    var generations = 0
    /// The master removed it (ERROR on its stream): it stops.
    var removed = false
    /// The latest state heard for each task it launched (TASK_STAGING until it hears).
    var tasks: [Mesos.TaskID: Mesos.TaskState] = [:]
    var tasksLaunched = 0
    var updatesHeard = 0

    var streamID: StreamID? { stream.map { Self.streamID(index, $0) } }

    static func streamID(_ index: Int, _ generation: Int) -> StreamID { StreamID("framework-\(index)-\(generation)") }

    /// Its SUBSCRIBE, with its id once it has one: a new stream generation.
    mutating func subscribe() -> (Mesos.SchedulerCall, StreamID) {
        generations += 1
        stream = generations
        // Frameworks 0 and 1 checkpoint (their tasks survive agent restarts), 2 does not.
        let info = Mesos.FrameworkInfo(
            user: "sim", name: "framework-\(index)", id: frameworkID, failoverTimeout: 3600, checkpoint: index < 2,
            capabilities: index % 2 == 0 ? [Mesos.FrameworkInfo.Capability(type: .partitionAware)] : [])
        return (Mesos.SchedulerCall(type: .subscribe, subscribe: .init(frameworkInfo: info)), streamID!)
    }

    /// The calls its answer to `offers` makes: ACCEPTs of a few tasks, or a DECLINE.
    mutating func answer(_ offers: [Mesos.Offer], launching: Bool, random: inout SeededRandom) -> [Mesos.SchedulerCall]
    {
        var calls: [Mesos.SchedulerCall] = []
        var declined: [Mesos.OfferID] = []
        for offer in offers {
            guard launching, random.percent(70), let available = try? Resources(offer.resources) else {
                declined.append(offer.id)
                continue
            }
            let launch = tasks(fitting: available, on: offer.agentID, random: &random)
            guard !launch.isEmpty else {
                declined.append(offer.id)
                continue
            }
            calls.append(
                Mesos.SchedulerCall(
                    type: .accept,
                    accept: .init(
                        offerIDs: [offer.id], operations: [.launch(launch)],
                        filters: .init(refuseSeconds: Double(random.below(2))))))
        }
        if !declined.isEmpty {
            let refuse = launching ? Double(random.below(4)) : 3600
            calls.append(
                Mesos.SchedulerCall(
                    type: .decline, decline: .init(offerIDs: declined, filters: .init(refuseSeconds: refuse))))
        }
        return calls
    }

    private mutating func tasks(
        fitting available: Resources, on agent: Mesos.AgentID, random: inout SeededRandom
    ) -> [Mesos.TaskInfo] {
        var left = available
        var launch: [Mesos.TaskInfo] = []
        for _ in 0..<random.between(1, 3) {
            let need = Resources([
                .scalar("cpus", Scalar(thousandths: Int64(random.pick([100, 250, 500])))),
                .scalar("mem", Scalar(units: Int64(random.pick([16, 32, 64])))),
            ])
            guard left.contains(need) else { break }
            left = left.removing(need)
            tasksLaunched += 1
            let id = Mesos.TaskID(value: "f\(index)-t\(tasksLaunched)")
            var task = Mesos.TaskInfo(name: id.value, taskID: id, agentID: agent, resources: [Mesos.Resource](need))
            task.command = Mesos.CommandInfo(value: "sleep")
            tasks[id] = .staging
            launch.append(task)
        }
        return launch
    }

    /// Takes an update: its acknowledgement to send, if it carries a uuid. A task heard
    /// non-terminal after a terminal state is a broken guarantee.
    mutating func hear(_ status: Mesos.TaskStatus) throws(SchedulerComplaint) -> Mesos.SchedulerCall? {
        updatesHeard += 1
        if let known = tasks[status.taskID], known.isTerminal, !status.state.isTerminal {
            throw SchedulerComplaint(
                message:
                    "framework \(index) heard \(status.taskID.value) \(status.state.rawValue) after \(known.rawValue)")
        }
        if tasks[status.taskID] != nil { tasks[status.taskID] = status.state }
        guard let uuid = status.uuid, let agentID = status.agentID else { return nil }
        return Mesos.SchedulerCall(
            type: .acknowledge, acknowledge: .init(agentID: agentID, taskID: status.taskID, uuid: uuid))
    }

    /// A KILL of a task it has heard run, or a RECONCILE (explicit or implicit). Tasks it
    /// has heard nothing of yet are left alone: their ACCEPT may not have reached the master,
    /// which would answer TASK_LOST for a task it does not know, as Mesos does.
    mutating func act(random: inout SeededRandom) -> Mesos.SchedulerCall? {
        let live = tasks.keys.filter { !tasks[$0]!.isTerminal && tasks[$0]! != .staging }.sorted {
            $0.value < $1.value
        }
        switch random.below(10) {
        case 0, 1:
            guard !live.isEmpty else { return nil }
            return Mesos.SchedulerCall(type: .kill, kill: .init(taskID: random.pick(live)))
        case 2:
            let asked = live.prefix(3).map { Mesos.SchedulerCall.Reconcile.Task(taskID: $0) }
            return Mesos.SchedulerCall(type: .reconcile, reconcile: .init(tasks: asked))
        case 3:
            return Mesos.SchedulerCall(type: .reconcile, reconcile: .init())
        default:
            return nil
        }
    }
}

extension SimulatedScheduler {
    /// An explicit RECONCILE of every task it has not heard end.
    func reconcileUnfinished() -> Mesos.SchedulerCall {
        let unfinished = tasks.keys.filter { !tasks[$0]!.isTerminal }.sorted { $0.value < $1.value }
        return Mesos.SchedulerCall(
            type: .reconcile, reconcile: .init(tasks: unfinished.map { .init(taskID: $0) }))
    }
}

/// What a scheduler heard that must not happen.
struct SchedulerComplaint: Error {
    var message: String
}
