import AgentCore
import ClusterCore
import ClusterProtocol
import Testing

/// Drives an `Agent` as its edge does and keeps what it asked for.
struct AgentHarness {
    var agent: Agent
    var now: Int64 = 1_000_000
    var toMaster: [AgentCall] = []
    var launched: [ContainerLaunch] = []
    var killed: [(Mesos.ContainerID, Int64)] = []
    var toExecutor: [StreamID: [Mesos.ExecutorEvent]] = [:]
    var reconnects = 0
    var limits: [Mesos.ContainerID: ContainerLimits] = [:]
    var healthChecks: [HealthCheckRun] = []
    var checkpoints: [AgentCheckpoint] = []
    /// Every action of the last step, in order.
    var lastActions: [AgentAction] = []

    static let framework = Mesos.FrameworkInfo(user: "u", name: "f", id: "F")
    /// The framework tasks are run for.
    var framework = AgentHarness.framework

    static let config = AgentConfig(
        agentInfo: Mesos.AgentInfo(
            hostname: "h", resources: [Mesos.Resource](try! Resources(parsing: "cpus:4;mem:4096"))),
        workDir: "/w", endpoint: "127.0.0.1:5051", uniqueSeed: Array(0..<16))

    init(registered: Bool = true) {
        agent = Agent(config: Self.config, now: now)
        if registered { register() }
    }

    /// A harness around an agent recovered from `checkpoint`, with its first actions done.
    init(recovering checkpoint: AgentCheckpoint, alive: Set<Mesos.ContainerID>, at now: Int64) throws {
        var config = Self.config
        config.uniqueSeed = Array(16..<32)
        let (agent, first) = try Agent.recover(from: checkpoint, alive: alive, config: config, now: now)
        self.agent = agent
        self.now = now
        perform(first.actions)
    }

    mutating func register() {
        step(.masterConnected)
        step(
            .masterEvent(
                AgentEvent(
                    type: .registered,
                    registered: .init(
                        agentID: "A", masterInfo: Mesos.MasterInfo(id: "M", ip: 0), pingIntervalSeconds: 15))))
    }

    @discardableResult
    mutating func step(_ input: AgentInput) -> AgentReply {
        let result = agent.step(input, now: now)
        perform(result.actions)
        return result.reply
    }

    mutating func perform(_ actions: [AgentAction]) {
        lastActions = actions
        for action in actions {
            switch action {
            case .checkpoint(let checkpoint): checkpoints.append(checkpoint)
            case .sendToMaster(let call): toMaster.append(call)
            case .launch(let launch): launched.append(launch)
            case .kill(let id, let grace): killed.append((id, grace))
            case .sendToExecutor(let stream, let event): toExecutor[stream, default: []].append(event)
            case .reconnect: reconnects += 1
            case .updateLimits(let id, let newLimits): limits[id] = newLimits
            case .runHealthCheck(let check): healthChecks.append(check)
            case .closeExecutorStream, .log: break
            }
        }
    }

    mutating func advance(_ milliseconds: Int64) {
        now += milliseconds
        step(.tick)
    }

    /// The updates sent to the master since the last call.
    mutating func takeUpdates() -> [Mesos.TaskStatus] {
        defer { toMaster.removeAll { $0.type == .update } }
        return toMaster.compactMap(\.update).map(\.status)
    }

    mutating func ack(_ status: Mesos.TaskStatus) {
        step(
            .masterEvent(
                AgentEvent(
                    type: .acknowledge, acknowledge: .init(frameworkID: "F", taskID: status.taskID, uuid: status.uuid!))
            ))
    }

    /// Acknowledges every update as it comes, returning the states in order.
    mutating func ackAll() -> [Mesos.TaskState] {
        var states: [Mesos.TaskState] = []
        while case let updates = takeUpdates(), !updates.isEmpty {
            for update in updates {
                states.append(update.state)
                ack(update)
            }
        }
        return states
    }

    mutating func run(_ task: Mesos.TaskInfo) {
        step(.masterEvent(AgentEvent(type: .runTask, runTask: .init(frameworkInfo: framework, tasks: [task]))))
    }

    static func command(_ id: String, _ shell: String, resources: String = "cpus:1;mem:128;ports:[31000-31001]")
        -> Mesos.TaskInfo
    {
        var task = Mesos.TaskInfo(
            name: id, taskID: Mesos.TaskID(value: id), agentID: "A",
            resources: [Mesos.Resource](try! Resources(parsing: resources)))
        task.command = Mesos.CommandInfo(value: shell)
        return task
    }

    static func executor(_ id: String) -> Mesos.ExecutorInfo {
        var executor = Mesos.ExecutorInfo(executorID: Mesos.ExecutorID(value: id))
        executor.frameworkID = "F"
        executor.command = Mesos.CommandInfo(value: "/usr/bin/my-executor")
        executor.resources = [Mesos.Resource](try! Resources(parsing: "cpus:0.1;mem:32"))
        return executor
    }
}
