import ClusterCore
import ClusterEdge
import ClusterProtocol
import Logging

/// Master failover, timed: `agents` simulated agents and one framework follow the leading
/// master through Keeper, as real ones do; the framework runs one task on each agent. Then,
/// `rounds` times, the leader is SIGKILLed (`kill`), and the bench times from the kill to
/// the framework's first offer from the new leader, and to the last agent registered
/// again with it; the framework then reconciles and counts its tasks still TASK_RUNNING.
/// The killed master is started again (`restart`) before the next round, as a standby.
public struct FailoverBench: Sendable {
    public var master: MasterURL
    public var agents: Int
    public var rounds: Int
    public var agentResources = "cpus:4;mem:8192"
    public var taskResources = "cpus:0.1;mem:32"
    /// How long each phase (launch, a round's failover, its reconciliation) may take.
    public var timeout: Duration = .seconds(60)
    /// SIGKILLs the master serving at the address.
    public var kill: @Sendable (HostPort) async throws -> Void
    /// Starts the killed master again; returns once it stands by.
    public var restart: @Sendable () async throws -> Void

    public init(
        master: MasterURL, agents: Int, rounds: Int, kill: @escaping @Sendable (HostPort) async throws -> Void,
        restart: @escaping @Sendable () async throws -> Void
    ) {
        self.master = master
        self.agents = agents
        self.rounds = rounds
        self.kill = kill
        self.restart = restart
    }

    public struct Round: Sendable {
        /// From the kill to the framework's first offer from the new leader.
        public var firstOfferSeconds: Double
        /// From the kill to the last agent registered again.
        public var agentsBackSeconds: Double
        /// Tasks TASK_RUNNING when the framework reconciled after the failover.
        public var tasksRunning: Int
    }

    public struct Report: Sendable {
        public var agents: Int
        public var rounds: [Round]
    }

    public func run(progress: @escaping @Sendable (String) -> Void) async throws -> Report {
        let books = FailoverBooks(agents: agents)
        let total = try Resources(parsing: agentResources)
        let agentTasks = (0..<agents).map { index in
            let agent = SimulatedAgent(
                index: index, master: master, resources: total, onRegistered: { books.registered($0) })
            return Task { await agent.run() }
        }
        defer { for task in agentTasks { task.cancel() } }
        let framework = BenchFramework(master: master, books: books, need: try Resources(parsing: taskResources))
        let frameworkTask = Task { await framework.run() }
        defer { frameworkTask.cancel() }
        try await waitUntil("\(agents) agents registered and \(agents) tasks running", progress: progress) {
            books.registeredCount == agents && books.runningCount == agents
        }
        progress("\(agents) agents registered, \(agents) tasks running")
        var results: [Round] = []
        for round in 1...rounds {
            results.append(try await failover(round, books: books, framework: framework, progress: progress))
        }
        return Report(agents: agents, rounds: results)
    }

    private func failover(
        _ round: Int, books: FailoverBooks, framework: BenchFramework, progress: @escaping @Sendable (String) -> Void
    ) async throws -> Round {
        let leader = try await currentLeader()
        let killedAt = books.now
        try await kill(leader)
        books.startRound(killedAt: killedAt)
        try await waitUntil("a new leader's offer and every agent back (round \(round))", progress: progress) {
            books.roundTimes != nil
        }
        let (offer, agentsBack) = books.roundTimes!
        try await framework.reconcile()
        try await waitUntil("the reconciliation's answers (round \(round))", progress: progress) {
            books.reconciledCount == agents
        }
        let result = Round(firstOfferSeconds: offer, agentsBackSeconds: agentsBack, tasksRunning: books.runningCount)
        progress(
            "round \(round)/\(rounds): killed the leader at \(leader); first offer after \(Self.format(offer)) s, "
                + "\(agents) agents back after \(Self.format(agentsBack)) s, \(result.tasksRunning) of \(agents) tasks running"
        )
        try await restart()
        return result
    }

    private func currentLeader() async throws -> HostPort {
        for await leader in MasterDetector(url: master, logger: Logger(label: "bench")).leaders() {
            if let leader { return leader }
        }
        throw CancellationError()
    }

    private func waitUntil(
        _ what: String, progress: @Sendable (String) -> Void, _ condition: @Sendable () -> Bool
    ) async throws {
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        while !condition() {
            guard clock.now < deadline else { throw BenchFailure(message: "no \(what) within \(timeout)") }
            try await Task.sleep(for: .milliseconds(5))
        }
    }

    public static func format(_ seconds: Double) -> String { String(Double(Int(seconds * 1000)) / 1000) }
}
