import ArgumentParser
import KeeperBench

/// How `bench serve` and `bench election` start their servers; both start them alike.
struct BenchArguments: ParsableArguments {
    @Option(help: "keeper or zookeeper (Debian's zookeeper package, or ZK_CLASSPATH and ZK_JAVA).")
    var server: ServerKind = .keeper

    @Option(help: "Where the servers' directory (configs, data, logs) goes.")
    var tmpdir: String = EnsembleOptions(server: .keeper).temporaryDirectory

    @Option(
        help: "Take the servers' ports from LO-HI (default: ports the kernel picks).",
        transform: BenchArguments.portRange
    )
    var portRange: ClosedRange<Int>?

    @Option(help: "tickTime for the servers, in ms.")
    var tickTime: Int = 2000

    @Option(help: "Seconds for every server to serve and one of them to lead.")
    var startTimeout: Double = 120

    @Option(help: "The corral binary to start for --server keeper (default: this one).")
    var corral: String?

    @Option(help: "Extra JVM flags for --server zookeeper, space-separated.")
    var jvmFlags: String = ""

    @Flag(help: "Keep the servers' directory at the end (it is kept anyway when something fails).")
    var keep = false

    func options(size: Int) -> EnsembleOptions {
        var options = EnsembleOptions(server: server)
        options.size = size
        options.temporaryDirectory = tmpdir
        options.portRange = portRange
        options.tickTime = tickTime
        options.startTimeout = startTimeout
        options.corralBinary = corral ?? RecoveryOptions.currentExecutable()
        options.jvmFlags = jvmFlags.split(separator: " ").map(String.init)
        options.keep = keep
        return options
    }

    static func portRange(_ text: String) throws -> ClosedRange<Int> {
        try check { () throws(BenchError) in try PortPicker.parseRange(text) }
    }

    /// A bad option as ArgumentParser reports it: the message and the command's usage.
    static func check<T>(_ body: () throws(BenchError) -> T) throws -> T {
        do {
            return try body()
        } catch {
            throw ValidationError(error.description)
        }
    }
}

struct BenchServe: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run Keeper or Apache ZooKeeper with the benchmarks' settings until Ctrl-C.",
        discussion: """
            Starts one standalone server, or with --ensemble N an ensemble of N, on 127.0.0.1 with the zoo.cfg \
            keys every benchmark gives both servers: tickTime, forceSync=yes, maxClientCnxns=1000, every \
            four-letter word, a dataDir under --tmpdir, and initLimit=10 and syncLimit=5 in an ensemble. Once \
            every server serves (and one leads), and --settle seconds later, it prints where they are, their \
            pids, modes and RSS (with --json as one line, for scripts), and keeps them running. A server that \
            exits ends the run with the end of its log. Ctrl-C or SIGTERM stops the servers and removes their \
            files.

            Example: corral bench serve --server zookeeper --ensemble 3, then in another shell \
            corral bench keeper --servers <as printed> --server-pid <as printed> --op set --clients 8 --inflight 16
            """)

    @OptionGroup var servers: BenchArguments

    @Option(help: "Servers: 1 is standalone, 3 or more an ensemble.")
    var ensemble: Int = 1

    @Option(help: "Seconds to wait once every server serves before reporting (the RSS shown is then idle RSS).")
    var settle: Double = 0

    @Flag(help: "Print the report as one JSON object on one line.")
    var json = false

    func validate() throws {
        try BenchArguments.check { () throws(BenchError) in try servers.options(size: ensemble).validate() }
        guard settle >= 0 else { throw ValidationError("--settle must be 0 or more seconds") }
    }

    func run() async throws {
        let options = servers.options(size: ensemble)
        let (settle, json) = (settle, json)
        try await BenchInterrupt.run {
            try await BenchEnsemble.run(options, progress: StandardError.write) { ensemble in
                try await Task.sleep(for: .milliseconds(Int64(settle * 1000)))
                let report = ensemble.report()
                StandardOutput.write(json ? report.json() : report.text())
                try await ensemble.serveUntilCancelled()
            }
        }
    }
}

struct BenchElection: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "election",
        abstract: "Failover time: SIGKILL an ensemble's leader, time until a survivor leads and a write succeeds.",
        discussion: """
            Starts an ensemble as `corral bench serve --ensemble N` does. Then, --kills times, with no load: \
            finds the leader with srvr, SIGKILLs it, and polls the survivors' srvr every 10 ms until one says \
            it leads; then tries a write (a new session creating an ephemeral sequential znode) through the \
            new leader, then the followers, until one succeeds. Both times run from the SIGKILL. The killed \
            server then starts again on its data, and the next kill waits until it follows. Prints each kill \
            and the medians; progress goes to stderr.
            """)

    @OptionGroup var servers: BenchArguments

    @Option(help: "Servers in the ensemble: 3 or more.")
    var ensemble: Int = 3

    @Option(help: "Leader kills to time.")
    var kills: Int = 5

    @Option(help: "Seconds from a kill until a write must have succeeded.")
    var timeout: Double = 60

    @Flag(help: "Print the report as one JSON object on one line instead of the summary.")
    var json = false

    func validate() throws {
        try BenchArguments.check { () throws(BenchError) in try options().validate() }
    }

    func run() async throws {
        let options = options()
        let report = try await BenchInterrupt.run { [options] in
            try await ElectionBench.run(options, progress: StandardError.write)
        }
        StandardOutput.write(json ? report.json() : report.text())
    }

    private func options() -> ElectionOptions {
        var options = ElectionOptions(server: servers.server)
        options.ensemble = servers.options(size: ensemble)
        options.kills = kills
        options.timeout = timeout
        return options
    }
}
