import ArgumentParser
import ClusterBench
import ClusterEdge
import KeeperBench
import NIOConcurrencyHelpers

#if canImport(Glibc)
    import Glibc
#endif

/// `corral bench failover`: SIGKILL the leading master, time until the framework's first
/// offer from the new leader and until every agent registered again with it.
struct BenchFailover: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "failover",
        abstract: "Master failover: SIGKILL the leader, time the first offer and every agent back.",
        discussion: """
            Starts Keeper (as `corral bench serve` does) and --masters masters of this binary with default \
            settings, electing through it; --agents simulated agents and one framework follow the leader \
            through Keeper, and the framework runs one task on each agent. Then, --rounds times, SIGKILLs the \
            leader and times, from the kill, the framework's first offer from the new leader and the last \
            agent registered again; the framework reconciles and counts its tasks still TASK_RUNNING; the \
            killed master starts again as a standby. Prints each round and the medians; progress goes to \
            stderr.
            """)

    @Option(help: "Masters: one leads, the others stand by (at least 2).")
    var masters = 2

    @Option(help: "Simulated agents.")
    var agents = 2

    @Option(help: "Leader kills to time.")
    var rounds = 5

    @Option(help: "Keeper servers: 1, or an ensemble of 3 or more.")
    var keepers = 1

    @Flag(help: "Print one JSON object at the end instead of text.")
    var json = false

    func validate() throws {
        guard masters >= 2 else { throw ValidationError("--masters must be at least 2: a standby takes over") }
        guard agents >= 1, rounds >= 1 else { throw ValidationError("--agents and --rounds must be positive") }
    }

    func run() async throws {
        var ensemble = EnsembleOptions(server: .keeper)
        ensemble.size = keepers
        try BenchArguments.check { () throws(BenchError) in try ensemble.validate() }
        let report = try await BenchInterrupt.run { [self, ensemble] in
            try await BenchEnsemble.run(ensemble, progress: StandardError.write) { keeper in
                let group = try MasterGroup(
                    count: masters, zk: "zk://\(keeper.connectString)/mesos", in: keeper.directory)
                defer { group.stopAll() }
                var bench = FailoverBench(
                    master: try MasterURL(parsing: group.zk), agents: agents, rounds: rounds,
                    kill: { try group.kill(at: $0) }, restart: { try await group.restartKilled() })
                bench.timeout = .seconds(60)
                return try await bench.run(progress: StandardError.write)
            }
        }
        Output.line(json ? Self.json(report) : Self.text(report))
    }

    static func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }

    static func text(_ report: FailoverBench.Report) -> String {
        let offers = report.rounds.map(\.firstOfferSeconds)
        let back = report.rounds.map(\.agentsBackSeconds)
        let kept = report.rounds.map(\.tasksRunning).min() ?? 0
        return
            "master failover with \(report.agents) agents, median of \(report.rounds.count): first offer from the new leader "
            + "\(format(median(offers))) s after the kill (\(offers.map(format).joined(separator: ", "))); every agent "
            + "registered again \(format(median(back))) s after (\(back.map(format).joined(separator: ", "))); "
            + "tasks running after each failover: at least \(kept) of \(report.agents)"
    }

    static func json(_ report: FailoverBench.Report) -> String {
        let offers = report.rounds.map(\.firstOfferSeconds)
        let back = report.rounds.map(\.agentsBackSeconds)
        return
            "{\"agents\":\(report.agents),\"rounds\":\(report.rounds.count),\"first_offer_s_median\":\(format(median(offers))),"
            + "\"agents_back_s_median\":\(format(median(back))),\"first_offer_s\":[\(offers.map(format).joined(separator: ","))],"
            + "\"agents_back_s\":[\(back.map(format).joined(separator: ","))],"
            + "\"tasks_running\":[\(report.rounds.map { String($0.tasksRunning) }.joined(separator: ","))]}"
    }

    static func format(_ seconds: Double) -> String { FailoverBench.format(seconds) }
}

/// The masters of the failover bench: child processes of this one, on ports of their own,
/// each with a work dir and log under the Keeper run's directory.
final class MasterGroup: Sendable {
    let zk: String
    private let commands: [[String]]
    private let logs: [String]
    private let ports: [Int]
    private let state: NIOLockedValueBox<(processes: [ChildProcess?], killed: Int?)>

    init(count: Int, zk: String, in directory: String) throws {
        self.zk = zk
        ports = try PortPicker.pick(count)
        commands = (0..<count).map { [ports] index in
            [
                RecoveryOptions.currentExecutable(), "master", "--zk", zk, "--port", String(ports[index]),
                "--work-dir", "\(directory)/master-\(index + 1)", "--log-level", "info",
            ]
        }
        logs = (0..<count).map { "\(directory)/master-\($0 + 1).log" }
        var processes: [ChildProcess?] = []
        for index in 0..<count { processes.append(try Self.start(commands[index], log: logs[index])) }
        state = NIOLockedValueBox((processes, nil))
    }

    private static func start(_ command: [String], log: String) throws -> ChildProcess {
        try ChildProcess(
            arguments: command, logPath: log, environment: ["CORRAL_EXIT_WITH_PARENT": String(getpid())])
    }

    /// SIGKILLs the master listening at `address`.
    func kill(at address: HostPort) throws {
        guard let index = ports.firstIndex(of: address.port) else {
            throw BenchFailure(message: "the leader \(address) is none of the masters this bench started")
        }
        let process = state.withLockedValue { state in
            state.killed = index
            defer { state.processes[index] = nil }
            return state.processes[index]
        }
        process?.signal(SIGKILL)
        process?.waitUntilExit()
    }

    /// Starts the killed master again, and waits until it stands by: it redirects to the
    /// leader (so it follows the election), and has had time to see the leader listening
    /// (a standby that never saw the leader alive leaves a dead one to its Keeper session).
    func restartKilled() async throws {
        guard let index = state.withLockedValue({ $0.killed }) else { return }
        let process = try Self.start(commands[index], log: logs[index])
        state.withLockedValue {
            $0.processes[index] = process
            $0.killed = nil
        }
        let deadline = ContinuousClock.now + .seconds(30)
        let state = HTTPRequestSpec(method: "GET", host: "127.0.0.1", port: ports[index], target: "/master/state")
        while (try? await HTTPClient.send(state, timeout: .seconds(2)))?.head.status != 307 {
            guard ContinuousClock.now < deadline, process.isRunning else {
                throw BenchFailure(message: "the restarted master did not stand by within 30 s; see \(logs[index])")
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        // The standby probes the leader every 100 ms (--leader-probe-interval).
        try await Task.sleep(for: .milliseconds(500))
    }

    func stopAll() {
        let processes = state.withLockedValue { $0.processes }
        for process in processes.compactMap({ $0 }) {
            process.signal(SIGTERM)
            process.waitUntilExit()
        }
    }
}
