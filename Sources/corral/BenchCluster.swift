import ArgumentParser
import ClusterCore

/// `corral bench cluster`: one allocation round of the allocator, in the shape of Mesos'
/// allocator benchmark (agents of `cpus:16; mem:65536; disk:1000000; ports:[31000-32000]`,
/// frameworks spread over roles), timed over several rounds on fresh clusters.
struct BenchCluster: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cluster", abstract: "Time one allocation round with many agents and frameworks.")

    @Option(help: "Agents in the cluster.")
    var agents = 10_000

    @Option(help: "Frameworks, spread round-robin over --roles roles.")
    var frameworks = 1_000

    @Option(help: "Roles.")
    var roles = 10

    @Option(help: "Rounds to time (each on a fresh cluster); the median is reported.")
    var rounds = 5

    @Option(help: "drf or priority.")
    var allocator = "drf"

    @Flag(help: "Print one JSON object instead of text.")
    var json = false

    func run() async throws {
        guard agents > 0, frameworks > 0, roles > 0, rounds > 0 else {
            throw ValidationError("--agents, --frameworks, --roles and --rounds must be positive")
        }
        let sorter: any Sorter
        switch allocator {
        case "drf": sorter = DRFSorter()
        case "priority": sorter = StrictPrioritySorter(priorities: (0..<roles).map { "role-\($0)" })
        default: throw ValidationError("--allocator takes drf or priority")
        }
        var times: [Double] = []
        var offers = 0
        let clock = ContinuousClock()
        for round in 0..<rounds {
            var cluster = Allocator.benchmarkScenario(
                agents: agents, frameworks: frameworks, roles: roles, sorter: sorter)
            let start = clock.now
            offers = cluster.allocate(now: 0).count
            let elapsed = clock.now - start
            let milliseconds = Double(elapsed.components.attoseconds) / 1e15 + Double(elapsed.components.seconds) * 1000
            times.append(milliseconds)
            if !json { Output.line("round \(round + 1)/\(rounds): \(Self.format(milliseconds)) ms, \(offers) offers") }
        }
        let median = times.sorted()[times.count / 2]
        if json {
            Output.line(
                "{\"agents\":\(agents),\"frameworks\":\(frameworks),\"roles\":\(roles),\"allocator\":\"\(allocator)\",\"offers\":\(offers),\"median_ms\":\(Self.format(median)),\"rounds_ms\":[\(times.map(Self.format).joined(separator: ","))]}"
            )
        } else {
            Output.line(
                "one allocation round, \(agents) agents x \(frameworks) frameworks (\(roles) roles, \(allocator)): median \(Self.format(median)) ms over \(rounds) rounds"
            )
        }
    }

    static func format(_ value: Double) -> String { String(Double(Int(value * 10)) / 10) }
}
