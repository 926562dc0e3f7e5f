import ClusterCore
import ClusterEdge
import ClusterProtocol
import Logging
import NIOConcurrencyHelpers

/// Launch throughput through one master: `agents` simulated agents register with a real
/// master, one framework accepts every offer with as many small tasks as fit, and the
/// bench counts TASK_RUNNING as the framework sees it (acknowledging each), until `tasks`
/// run. Reports tasks per second from the first ACCEPT to the last TASK_RUNNING, and the
/// ACCEPT → TASK_RUNNING latency of each task.
public struct LaunchBench: Sendable {
    public var master: HostPort
    public var agents: Int
    public var tasks: Int
    public var agentResources = "cpus:16;mem:65536"
    public var taskResources = "cpus:0.1;mem:32"
    /// How long the launch may take once the agents are registered.
    public var timeout: Duration = .seconds(120)

    public init(master: HostPort, agents: Int, tasks: Int) {
        self.master = master
        self.agents = agents
        self.tasks = tasks
    }

    public struct Report: Sendable {
        public var agents: Int
        public var tasks: Int
        public var seconds: Double
        public var tasksPerSecond: Double
        public var latencyMilliseconds: [Double]
    }

    public func run(progress: @escaping @Sendable (String) -> Void) async throws -> Report {
        let agentTotal = try Resources(parsing: agentResources)
        let need = try Resources(parsing: taskResources)
        if agents > 0, Self.fitting(need, in: agentTotal) * agents < tasks {
            throw BenchFailure(
                message:
                    "\(tasks) tasks of \(need) do not fit on \(agents) agents of \(agentTotal) (\(Self.fitting(need, in: agentTotal)) each): add agents or launch fewer tasks"
            )
        }
        // The agents are tasks of their own, cancelled once the report is made: waiting for
        // thousands of streams to wind down is not part of the measurement.
        // They register again when the stream fails or cannot be opened (thousands of
        // connects at once overflow the master's listen backlog).
        let agentTasks = (0..<agents).map { index in
            let agent = SimulatedAgent(
                index: index, master: .direct(host: master.host, port: master.port), resources: agentTotal,
                onRegistered: { _ in })
            return Task { await agent.run() }
        }
        defer { for task in agentTasks { task.cancel() } }
        try await waitForAgents(progress: progress)
        return try await withThrowingTaskGroup(of: Report?.self) { group in
            group.addTask { try await runFramework(need: need, progress: progress) }
            group.addTask {
                try await Task.sleep(for: timeout)
                throw BenchFailure(message: "the launch did not finish within \(timeout)")
            }
            while let result = try await group.next() {
                guard let report = result else { continue }
                group.cancelAll()
                return report
            }
            throw BenchFailure(message: "the framework ended without a report")
        }
    }

    /// How many times `need` fits in `total`.
    static func fitting(_ need: Resources, in total: Resources) -> Int {
        var left = total
        var count = 0
        while !need.isEmpty, left.contains(need) {
            left = left.removing(need)
            count += 1
        }
        return count
    }

    private func waitForAgents(progress: @Sendable (String) -> Void) async throws {
        // Registration takes longer with more agents: 60 s, and 20 ms more for each agent.
        let wait = Duration.seconds(60) + .milliseconds(20 * agents)
        let clock = ContinuousClock()
        let deadline = clock.now + wait
        while clock.now < deadline {
            if let count = try? await OperatorClient.call(.getAgents, at: master, timeout: .seconds(10)).response
                .getAgents?.agents.count
            {
                progress("agents registered: \(count) of \(agents)")
                if count >= agents { return }
            }
            try await Task.sleep(for: .milliseconds(500))
        }
        throw BenchFailure(message: "the agents did not all register within \(wait)")
    }

    private func runFramework(need: Resources, progress: @escaping @Sendable (String) -> Void) async throws -> Report? {
        let session = SchedulerSession(
            master: .direct(host: master.host, port: master.port), logger: Logger(label: "bench"))
        let books = LaunchBooks(target: tasks)
        let clock = ContinuousClock()
        let info = Mesos.FrameworkInfo(user: "bench", name: "corral-bench-launch")
        try await session.subscribe(info) { event in
            switch event.type {
            case .offers:
                // One ACCEPT per offer used (an ACCEPT names one agent's offers) and one DECLINE
                // for all the rest, as a framework with nothing more to run does.
                var unused: [Mesos.OfferID] = []
                for offer in event.offers?.offers ?? [] {
                    let launch = launchable(in: offer, need: need, books: books, at: clock.now)
                    guard !launch.isEmpty else {
                        unused.append(offer.id)
                        continue
                    }
                    session.post(
                        Mesos.SchedulerCall(
                            type: .accept,
                            accept: .init(
                                offerIDs: [offer.id], operations: [.launch(launch)], filters: .init(refuseSeconds: 0))))
                }
                session.decline(unused, refuseSeconds: 3600)
            case .update:
                guard let status = event.update?.status else { return true }
                if status.state == .running, let done = books.running(status.taskID.value, at: clock.now) {
                    progress("tasks running: \(done) of \(tasks)")
                }
                session.acknowledge(status)
                if books.isDone {
                    // Not waited for: the master's teardown of thousands of tasks is not
                    // part of the measurement.
                    session.post(Mesos.SchedulerCall(type: .teardown))
                    return false
                }
            default: break
            }
            return true
        }
        return books.report(agents: agents)
    }
}

/// As many tasks needing `need` as fit in `offer`, until the books have launched them all.
private func launchable(
    in offer: Mesos.Offer, need: Resources, books: LaunchBooks, at now: ContinuousClock.Instant
) -> [Mesos.TaskInfo] {
    var available = (try? Resources(offer.resources)) ?? Resources()
    var launch: [Mesos.TaskInfo] = []
    while available.contains(need), let number = books.nextTask(at: now) {
        available = available.removing(need)
        var task = Mesos.TaskInfo(
            name: "t", taskID: Mesos.TaskID(value: "t\(number)"), agentID: offer.agentID,
            resources: [Mesos.Resource](need))
        task.command = Mesos.CommandInfo(value: "true")
        launch.append(task)
    }
    return launch
}

/// What the launch bench counts: when each task was accepted, when it was seen running.
final class LaunchBooks: Sendable {
    private struct State {
        var launched = 0
        var accepted: [String: ContinuousClock.Instant] = [:]
        var latencies: [Double] = []
        var first: ContinuousClock.Instant?
        var last: ContinuousClock.Instant?
    }

    let target: Int
    private let state = NIOLockedValueBox(State())

    init(target: Int) { self.target = target }

    /// The next task's number, or nil once `target` are launched.
    func nextTask(at now: ContinuousClock.Instant) -> Int? {
        state.withLockedValue { state in
            guard state.launched < target else { return nil }
            state.launched += 1
            state.accepted["t\(state.launched)"] = now
            if state.first == nil { state.first = now }
            return state.launched
        }
    }

    /// Counts a task seen running; returns the count every 1,000 tasks.
    func running(_ id: String, at now: ContinuousClock.Instant) -> Int? {
        state.withLockedValue { state in
            guard let accepted = state.accepted.removeValue(forKey: id) else { return nil }
            let elapsed = now - accepted
            state.latencies.append(
                Double(elapsed.components.attoseconds) / 1e15 + Double(elapsed.components.seconds) * 1000)
            state.last = now
            return state.latencies.count % 1000 == 0 ? state.latencies.count : nil
        }
    }

    var isDone: Bool { state.withLockedValue { $0.latencies.count >= target } }

    func report(agents: Int) -> LaunchBench.Report {
        state.withLockedValue { state in
            let span = (state.first.flatMap { first in state.last.map { $0 - first } }) ?? .zero
            let seconds = Double(span.components.seconds) + Double(span.components.attoseconds) / 1e18
            return LaunchBench.Report(
                agents: agents, tasks: state.latencies.count, seconds: seconds,
                tasksPerSecond: seconds > 0 ? Double(state.latencies.count) / seconds : 0,
                latencyMilliseconds: state.latencies.sorted())
        }
    }
}
