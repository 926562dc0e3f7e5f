import ArgumentParser
import ClusterBench
import ClusterEdge
import KeeperBench

#if canImport(Glibc)
    import Glibc
#endif

/// `corral bench launch`: launch throughput through one real master, with simulated agents
/// that speak the agent protocol and report each task running at once.
struct BenchLaunch: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "launch",
        abstract: "Tasks per second from ACCEPT to TASK_RUNNING through one master, with simulated agents.",
        discussion: """
            Without --master it starts `corral master` (this binary) on a free port, alone (no Keeper), \
            and stops it after. Each simulated agent offers --agent-resources; one framework accepts every \
            offer with as many --task-resources tasks as fit until --tasks run.
            """)

    @Option(help: "An existing master, HOST:PORT (default: start one).")
    var master: String?

    @Option(help: "Simulated agents.")
    var agents = 100

    @Option(help: "Tasks to launch.")
    var tasks = 10_000

    @Option(help: "What each simulated agent offers.")
    var agentResources = "cpus:16;mem:65536"

    @Option(help: "What each task takes.")
    var taskResources = "cpus:0.1;mem:32"

    @Flag(help: "Print one JSON object at the end instead of text.")
    var json = false

    func run() async throws {
        var child: ChildProcess?
        var target: HostPort
        if let master {
            guard let parsed = HostPort(parsing: master) else { throw ValidationError("--master takes HOST:PORT") }
            target = parsed
        } else {
            let port = try PortPicker.pick(1)[0]
            let workDir = "/tmp/corral-bench-launch-\(getpid())"
            try makeDirectory(workDir)
            child = try ChildProcess(
                arguments: [
                    RecoveryOptions.currentExecutable(), "master", "--port", String(port), "--work-dir", workDir,
                    "--log-level", "warning",
                ],
                logPath: workDir + "/master.log", environment: ["CORRAL_EXIT_WITH_PARENT": String(getpid())])
            target = HostPort(host: "127.0.0.1", port: port)
            try await Task.sleep(for: .seconds(1))
        }
        defer {
            child?.signal(SIGTERM)
            child?.waitUntilExit()
        }
        var bench = LaunchBench(master: target, agents: agents, tasks: tasks)
        bench.agentResources = agentResources
        bench.taskResources = taskResources
        let quiet = json
        let cpuBefore = child.flatMap { ProcessProbe.cpuSeconds(pid: $0.pid) }
        let report = try await bench.run { line in if !quiet { Output.line(line) } }
        let cpu = child.flatMap { process in
            cpuBefore.flatMap { before in ProcessProbe.cpuSeconds(pid: process.pid).map { $0 - before } }
        }
        let rss = child.flatMap { ProcessProbe.rssKiB(pid: $0.pid) }
        let p50 = Self.quantile(report.latencyMilliseconds, 0.5)
        let p99 = Self.quantile(report.latencyMilliseconds, 0.99)
        if json {
            Output.line(
                "{\"agents\":\(agents),\"tasks\":\(report.tasks),\"seconds\":\(Self.format(report.seconds)),\"tasks_per_second\":\(Self.format(report.tasksPerSecond)),\"latency_ms_p50\":\(Self.format(p50)),\"latency_ms_p99\":\(Self.format(p99)),\"master_cpu_seconds\":\(cpu.map(Self.format) ?? "null"),\"master_rss_kib\":\(rss.map(String.init) ?? "null")}"
            )
        } else {
            Output.line(
                "\(report.tasks) tasks on \(agents) agents in \(Self.format(report.seconds)) s: \(Self.format(report.tasksPerSecond)) tasks/s; ACCEPT -> TASK_RUNNING p50 \(Self.format(p50)) ms, p99 \(Self.format(p99)) ms"
                    + (cpu.map { "; master CPU \(Self.format($0)) s" } ?? "")
                    + (rss.map { ", RSS \($0 / 1024) MiB" } ?? ""))
        }
    }

    static func quantile(_ sorted: [Double], _ q: Double) -> Double {
        guard !sorted.isEmpty else { return 0 }
        return sorted[min(sorted.count - 1, Int(Double(sorted.count) * q))]
    }

    static func format(_ value: Double) -> String { String(Double(Int(value * 10)) / 10) }
}
