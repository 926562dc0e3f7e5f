import ArgumentParser
import Dispatch
import KeeperBench

#if canImport(Glibc)
    import Glibc
#endif

/// `corral bench keeper|recovery`: load generators that speak the ZooKeeper protocol.
struct Bench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Benchmarks against Keeper or Apache ZooKeeper.",
        subcommands: [BenchKeeper.self, BenchRecovery.self])
}

extension BenchOp: ExpressibleByArgument {}

struct BenchKeeper: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keeper",
        abstract: "Pipelined load on a ZooKeeper-protocol server: throughput, latency quantiles, errors.",
        discussion: """
            Each client is one session that keeps --inflight requests in flight under its own subtree \
            /corral-bench-<run id>/c<i>. Set, get and mixed first make --working-set znodes per client. \
            Progress goes to stderr once a second; everything the run made is deleted at the end.
            """)

    @Option(help: "host:port[,host:port…]; client i uses the (i mod n)-th.")
    var servers: String = "127.0.0.1:2181"

    @Option(help: "create, set, get or mixed.")
    var op: BenchOp

    @Option(name: .customLong("read-pct"), help: "For mixed: the percentage of gets.")
    var readPercent: Int = 90

    @Option(help: "Sessions, one connection each.")
    var clients: Int = 1

    @Option(help: "Requests each client keeps in flight.")
    var inflight: Int = 1

    @Option(help: "Seconds of timed load.")
    var duration: Double = 10

    @Option(help: "Bytes of data per create or set.")
    var size: Int = 100

    @Option(help: "Znodes per client for set, get and mixed.")
    var workingSet: Int = 1000

    @Option(help: "A server process id: report its CPU seconds and RSS during the timed phase (Linux /proc).")
    var serverPid: Int32?

    @Option(help: "Client event-loop threads (default: one per core).")
    var threads: Int = 0

    @Flag(help: "Print one JSON object with every figure to stdout instead of the summary.")
    var json = false

    @Flag(help: "No progress lines on stderr.")
    var quiet = false

    func run() async throws {
        var options = BenchOptions(servers: try BenchOptions.parseServers(servers), op: op)
        options.readPercent = readPercent
        options.clients = clients
        options.inflight = inflight
        options.duration = duration
        options.size = size
        options.workingSet = workingSet
        options.serverPid = serverPid
        options.threads = threads
        options.progress = !quiet
        do {
            try options.validate()
        } catch {
            throw ValidationError(error.description)
        }
        let report = try await KeeperBench.run(options) { line in StandardError.write(line) }
        print(json ? report.json() : report.text())
        if report.errors > 0 || !report.cleanup.complete { throw ExitCode(1) }
    }
}

struct BenchRecovery: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "recovery",
        abstract: "Time for a server holding --znodes znodes to restart and serve, and its RSS.",
        discussion: """
            Starts a server on a fresh temporary dataDir (forceSync on), loads it with --znodes znodes of \
            --size bytes through pipelined sessions, stops it with SIGTERM, starts it again and measures the \
            time from process start until it answers srvr; then reads its VmRSS. With --server zookeeper it \
            does the same to Apache ZooKeeper (Debian's zookeeper package, or ZK_CLASSPATH).
            """)

    @Option(help: "keeper or zookeeper.")
    var server: RecoveryServerKind = .keeper

    @Option(help: "Znodes to load.")
    var znodes: Int = 1_000_000

    @Option(help: "Bytes of data per znode.")
    var size: Int = 100

    @Option(help: "Client port (default: a free one).")
    var port: Int = 0

    @Option(help: "Where the temporary dataDir goes.")
    var tmpdir: String = RecoveryOptions(server: .keeper).temporaryDirectory

    @Option(help: "tickTime for the server, in ms.")
    var tickTime: Int = 2000

    @Option(help: "Restarts to time (the median is reported).")
    var restarts: Int = 1

    @Option(help: "The corral binary to start for --server keeper (default: this one).")
    var corral: String?

    @Option(help: "Extra JVM flags for --server zookeeper, space-separated.")
    var jvmFlags: String = ""

    @Flag(help: "Keep the data directory and logs.")
    var keep = false

    @Flag(help: "Print one JSON object to stdout instead of the summary.")
    var json = false

    func run() async throws {
        var options = RecoveryOptions(server: server)
        options.znodes = znodes
        options.size = size
        options.port = port
        options.temporaryDirectory = tmpdir
        options.tickTime = tickTime
        options.restarts = restarts
        options.corralBinary = corral ?? RecoveryOptions.currentExecutable()
        options.jvmFlags = jvmFlags.split(separator: " ").map(String.init)
        options.keep = keep
        let signals = StopServersOnSignal()
        defer { signals.cancel() }
        let report = try await RecoveryBench.run(options) { line in StandardError.write(line) }
        print(json ? report.json() : report.text())
    }
}

extension RecoveryServerKind: ExpressibleByArgument {}

/// Ctrl-C or SIGTERM during `bench recovery` must not leave its server running.
final class StopServersOnSignal {
    private let sources: [DispatchSourceSignal]

    init() {
        sources = [SIGINT, SIGTERM].map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler {
                ServerProcess.killAll()
                exit(128 + number)
            }
            source.resume()
            return source
        }
    }

    func cancel() {
        for source in sources { source.cancel() }
    }
}

enum StandardError {
    static func write(_ line: String) {
        var text = line + "\n"
        text.withUTF8 { _ = Glibc.write(2, $0.baseAddress, $0.count) }
    }
}
