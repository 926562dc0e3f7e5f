import ArgumentParser
import CorralTLS
import KeeperBench

#if canImport(Glibc)
    import Glibc
#endif

/// `corral bench keeper|recovery|election|serve`: load generators that speak the ZooKeeper
/// protocol, and the servers to run them against.
struct Bench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Benchmarks: Keeper against Apache ZooKeeper, and the cluster manager.",
        discussion: """
            Benchmarks/keeper-vs-zookeeper.sh runs them all, side by side, for BENCHMARKS.md's table.
            """,
        subcommands: [
            BenchKeeper.self, BenchRecovery.self, BenchElection.self, BenchServe.self, BenchCluster.self,
            BenchLaunch.self, BenchFailover.self,
        ])
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

    @Option(
        help: ArgumentHelp(
            "A server process id: report its CPU seconds and RSS during the timed phase (Linux /proc).",
            discussion: """
                With one pid per server of --servers, in the same order (an ensemble, as `corral bench serve` \
                prints them), the leader's, as srvr says when the timed phase starts.
                """,
            valueName: "pid[,pid…]"))
    var serverPid: String?

    @Option(help: "Client event-loop threads (default: one per core).")
    var threads: Int = 0

    @Option(
        name: .customLong("tls-ca"),
        help:
            "Connect over TLS (a secureClientPort), trusting the CAs in this PEM file; the server's name is not checked."
    )
    var tlsCA: String?

    @Option(name: .customLong("tls-cert"), help: "With --tls-ca: PEM file with the clients' key and certificate chain.")
    var tlsCert: String?

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
        options.serverPids = try serverPid.map(Self.parsePids) ?? []
        options.threads = threads
        options.progress = !quiet
        if let tlsCA {
            var tls = TLSSettings(keyStore: tlsCert, trustStore: tlsCA)
            tls.hostnameVerification = false
            options.tls = tls
        } else if tlsCert != nil {
            throw ValidationError("--tls-cert needs --tls-ca")
        }
        do {
            try options.validate()
        } catch {
            throw ValidationError(error.description)
        }
        let report = try await KeeperBench.run(options) { line in StandardError.write(line) }
        print(json ? report.json() : report.text())
        if report.errors > 0 || !report.cleanup.complete { throw ExitCode(1) }
    }

    private static func parsePids(_ text: String) throws -> [Int32] {
        try text.split(separator: ",").map { item in
            guard let pid = Int32(item), pid > 0 else {
                throw ValidationError("--server-pid: '\(item)' is not a process id")
            }
            return pid
        }
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
    var server: ServerKind = .keeper

    @Option(help: "Znodes to load.")
    var znodes: Int = 1_000_000

    @Option(help: "Bytes of data per znode.")
    var size: Int = 100

    @Option(help: "Client port (default: a free one).")
    var port: Int = 0

    @Option(help: "Take the free port from LO-HI.", transform: BenchArguments.portRange)
    var portRange: ClosedRange<Int>?

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
        options.portRange = portRange
        options.temporaryDirectory = tmpdir
        options.tickTime = tickTime
        options.restarts = restarts
        options.corralBinary = corral ?? RecoveryOptions.currentExecutable()
        options.jvmFlags = jvmFlags.split(separator: " ").map(String.init)
        options.keep = keep
        let report = try await BenchInterrupt.run { [options] in
            try await RecoveryBench.run(options) { line in StandardError.write(line) }
        }
        print(json ? report.json() : report.text())
    }
}

extension ServerKind: ExpressibleByArgument {}

/// Lines written straight to stderr, unbuffered.
enum StandardError {
    static func write(_ line: String) { writeLine(line, to: 2) }
}

/// Lines written straight to stdout: a line is out when the call returns, even to a file
/// that a script polls (`print` would hold it in a buffer).
enum StandardOutput {
    static func write(_ line: String) { writeLine(line, to: 1) }
}

private func writeLine(_ line: String, to descriptor: Int32) {
    var text = line + "\n"
    text.withUTF8 { bytes in
        var offset = 0
        while offset < bytes.count {
            let written = Glibc.write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
            if written < 0 && errno == EINTR { continue }
            guard written > 0 else { return }
            offset += written
        }
    }
}
