import FoundationEssentials
import KeeperStorage

public struct RecoveryOptions: Sendable {
    public var server: ServerKind
    public var znodes = 1_000_000
    public var size = 100
    /// 0 picks a free port (in `portRange`, if given).
    public var port = 0
    public var portRange: ClosedRange<Int>?
    public var temporaryDirectory = ProcessInfo.processInfo.environment["TMPDIR"] ?? "/tmp"
    public var tickTime = 2000
    public var restarts = 1
    public var corralBinary = RecoveryOptions.currentExecutable()
    public var jvmFlags: [String] = []
    public var keep = false
    /// Seconds to wait for a (re)start to serve.
    public var startTimeout = 600.0

    public init(server: ServerKind) { self.server = server }

    /// This process's executable (so `corral bench recovery` starts its own `corral keeper`).
    public static func currentExecutable() -> String {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    }
}

public struct RecoveryReport: JSONReport, Sendable {
    public var server: ServerKind
    public var znodes: Int
    public var size: Int
    public var command: [String]
    /// From spawn to serving on the fresh, empty dataDir.
    public var firstStartSeconds = 0.0
    public var loadSeconds = 0.0
    public var loadRate = 0.0
    public var rssLoadedKib = 0
    public var stopSeconds = 0.0
    public var dataBytes = 0
    /// From spawn to serving, one per restart, and their median.
    public var restartSeconds: [Double] = []
    public var restartSecondsMedian = 0.0
    /// VmRSS when the restarted server first served, and VmHWM then.
    public var rssRestartedKib = 0
    public var rssRestartedPeakKib = 0
    /// The node count srvr gave after the last restart.
    public var nodeCount = 0

    public func text() -> String {
        func mib(_ kib: Int) -> String { format(Double(kib) / 1024, 1) + " MiB" }
        return [
            "corral bench recovery: \(server.rawValue), \(znodes) znodes of \(size) bytes",
            "first start   \(format(firstStartSeconds, 3)) s to serving (empty dataDir)",
            "load          \(format(loadSeconds, 1)) s (\(format(loadRate, 0)) creates/s), RSS \(mib(rssLoadedKib))",
            "data on disk  \(format(Double(dataBytes) / 1_048_576, 1)) MiB; stop (SIGTERM) took \(format(stopSeconds, 2)) s",
            "restart       \(format(restartSecondsMedian, 3)) s to serving (median of \(restartSeconds.map { format($0, 3) }.joined(separator: ", ")))",
            "RSS           \(mib(rssRestartedKib)) when serving again (peak \(mib(rssRestartedPeakKib))); \(nodeCount) znodes",
        ].joined(separator: "\n")
    }
}

/// `corral bench recovery`: the time a server holding many znodes takes to restart.
public enum RecoveryBench {
    public static func run(
        _ options: RecoveryOptions, progress: @escaping @Sendable (String) -> Void = { _ in }
    ) async throws -> RecoveryReport {
        guard options.znodes >= 0, options.restarts >= 1 else {
            throw BenchError.invalidOption("--znodes must be at least 0 and --restarts at least 1")
        }
        try ServerProcess.checkInstalled(options.server)
        let directory = options.temporaryDirectory + "/corral-recovery-\(KeeperBench.runID())"
        try FileManager.default.createDirectory(
            atPath: directory + "/data", withIntermediateDirectories: true)
        defer {
            if options.keep {
                progress("kept \(directory)")
            } else {
                try? FileManager.default.removeItem(atPath: directory)
            }
        }
        let port = options.port > 0 ? options.port : try PortPicker.pick(1, in: options.portRange)[0]
        var settings = ServerSettings(listeners: .standalone(clientPort: port), dataDir: directory + "/data")
        settings.tickTime = options.tickTime
        let config = directory + "/zoo.cfg"
        guard FileManager.default.createFile(atPath: config, contents: Data(settings.zooCfg.utf8)) else {
            throw BenchError.invalidOption("cannot write \(config)")
        }
        let command = ServerProcess.commandLine(
            kind: options.server, config: config, corralBinary: options.corralBinary, jvmFlags: options.jvmFlags)
        var report = RecoveryReport(
            server: options.server, znodes: options.znodes, size: options.size, command: command)
        let log = directory + "/server.log"

        var server = try ServerProcess(kind: options.server, port: port, arguments: command, logPath: log)
        do {
            report.firstStartSeconds = try await server.waitUntilServing(timeout: options.startTimeout)
            progress(
                "\(options.server.rawValue) (pid \(server.pid)) serves on 127.0.0.1:\(port); loading \(options.znodes) znodes"
            )
            if options.znodes > 0 {
                report.loadSeconds = try await KeeperBench.populate(
                    servers: [ServerAddress(host: "127.0.0.1", port: port)], root: "/corral-recovery",
                    count: options.znodes, size: options.size, progress: progress)
                report.loadRate = Double(options.znodes) / max(report.loadSeconds, 1e-9)
            }
            report.rssLoadedKib = ProcessProbe.rssKiB(pid: server.pid) ?? 0
            for restart in 1...options.restarts {
                report.stopSeconds = await server.stop()
                if restart == 1 { report.dataBytes = PosixFileSystem().bytesUsed(under: directory + "/data") }
                server = try ServerProcess(kind: options.server, port: port, arguments: command, logPath: log)
                let seconds = try await server.waitUntilServing(timeout: options.startTimeout)
                report.restartSeconds.append(seconds)
                report.rssRestartedKib = ProcessProbe.rssKiB(pid: server.pid) ?? 0
                report.rssRestartedPeakKib = ProcessProbe.statusKiB(pid: server.pid, field: "VmHWM") ?? 0
                progress("restart \(restart): serving after \(format(seconds, 3)) s")
            }
            if let reply = FourLetterWord.ask("srvr", port: port, timeout: 5),
                let count = FourLetterWord.field("Node count", in: reply).flatMap({ Int($0) })
            {
                report.nodeCount = count
            }
            await server.stop()
        } catch {
            await server.stop()
            throw error
        }
        report.restartSecondsMedian = median(report.restartSeconds)
        guard report.nodeCount >= options.znodes else {
            throw BenchError.serverFailed(
                "after restart the server holds \(report.nodeCount) znodes, fewer than \(options.znodes)")
        }
        return report
    }
}
