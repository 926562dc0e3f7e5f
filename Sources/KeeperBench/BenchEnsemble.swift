import FoundationEssentials

/// How `corral bench serve` and `corral bench election` start their servers.
public struct EnsembleOptions: Sendable {
    public var server: ServerKind
    /// 1: one standalone server; more: an ensemble, a server.N line each.
    public var size = 1
    /// Where the run's directory (configs, data, logs) goes.
    public var temporaryDirectory = ProcessInfo.processInfo.environment["TMPDIR"] ?? "/tmp"
    /// The range the servers' ports come from; nil for ports the kernel picks.
    public var portRange: ClosedRange<Int>?
    public var tickTime = 2000
    public var corralBinary = RecoveryOptions.currentExecutable()
    public var jvmFlags: [String] = []
    /// Seconds for every server to serve and, in an ensemble, for one of them to lead.
    public var startTimeout = 120.0
    /// Keep the directory at the end (it is kept anyway when the run fails).
    public var keep = false

    public init(server: ServerKind) { self.server = server }

    public func validate() throws(BenchError) {
        guard (1...9).contains(size) else { throw .invalidOption("--ensemble must be 1...9 servers") }
        guard tickTime >= 10 else { throw .invalidOption("--tick-time must be at least 10 ms") }
    }
}

/// The servers of one benchmark run, all of one kind, on 127.0.0.1: a standalone server or
/// an ensemble, with configs, data and logs under one directory. Keeper's members share one
/// zoo.cfg and keep their files under dataDir/N (`corral keeper --id N`); ZooKeeper's each
/// get a copy naming their own dataDir, data/N, which holds its myid. A member's log is
/// N/server.log; a member started again appends to it.
///
/// One task owns an ensemble; `finish` stops every server, and dropping it SIGKILLs them
/// (each ServerProcess does as it goes).
public final class BenchEnsemble {
    public struct Member: Sendable {
        public let ports: MemberPorts
        public let logPath: String
        let commandLine: [String]

        public var id: Int { ports.id }
        public var clientPort: Int { ports.clientPort }
    }

    public let options: EnsembleOptions
    public let directory: String
    public let members: [Member]
    private var processes: [Int: ServerProcess] = [:]

    public var isStandalone: Bool { members.count == 1 }
    public var servers: [ServerAddress] { members.map { ServerAddress(host: "127.0.0.1", port: $0.clientPort) } }
    public var connectString: String { servers.map(\.description).joined(separator: ",") }

    /// Writes the configs under a fresh directory and picks the ports; starts nothing.
    public init(_ options: EnsembleOptions) throws {
        try options.validate()
        try ServerProcess.checkInstalled(options.server)
        self.options = options
        let kind = options.server.rawValue
        directory = options.temporaryDirectory + "/corral-\(kind)-\(options.size)-\(KeeperBench.runID())"
        let ports = try PortPicker.pick(options.size == 1 ? 1 : 3 * options.size, in: options.portRange)
        let memberPorts = (1...options.size).map { id in
            options.size == 1
                ? MemberPorts(id: 1, clientPort: ports[0], peerPort: 0, electionPort: 0)
                : MemberPorts(
                    id: id, clientPort: ports[3 * id - 3], peerPort: ports[3 * id - 2], electionPort: ports[3 * id - 1])
        }
        members = try Self.writeFiles(options, directory: directory, members: memberPorts)
    }

    /// Starts the servers, runs `body` with them, and stops them. The directory goes at the
    /// end unless `options.keep`, or something failed: its logs then say why.
    public static func run<T>(
        _ options: EnsembleOptions, progress: (String) -> Void, _ body: (BenchEnsemble) async throws -> T
    ) async throws -> T {
        let ensemble = try BenchEnsemble(options)
        do {
            try await ensemble.start(progress: progress)
            let result = try await body(ensemble)
            await ensemble.finish(keepingFiles: options.keep)
            if options.keep { progress("kept \(ensemble.directory)") }
            return result
        } catch is CancellationError {
            await ensemble.finish(keepingFiles: options.keep)
            throw CancellationError()
        } catch {
            await ensemble.finish(keepingFiles: true)
            progress("the servers' files and logs are kept in \(ensemble.directory)")
            throw error
        }
    }

    /// Starts every member and waits until the ensemble serves.
    public func start(progress: (String) -> Void = { _ in }) async throws {
        let what = isStandalone ? "a standalone server" : "an ensemble of \(members.count)"
        progress("starting \(options.server.rawValue): \(what) on \(connectString), files in \(directory)")
        for member in members { try launch(member) }
        let modes = try await waitUntilFormed()
        progress("\(options.server.rawValue) serves: \(describe(modes))")
    }

    /// Starts `member` (again, after a kill: on its data, appending to its log).
    public func launch(_ member: Member) throws {
        processes[member.id] = try ServerProcess(
            kind: options.server, port: member.clientPort, arguments: member.commandLine, logPath: member.logPath)
    }

    /// Waits until every member serves and, in an ensemble, exactly one leads (a member
    /// started again has caught up once it follows). Returns each member's mode.
    @discardableResult
    public func waitUntilFormed() async throws -> [Int: String] {
        let deadline = ContinuousClock.now + .seconds(options.startTimeout)
        while true {
            try checkRunning()
            let modes = currentModes()
            if isFormed(modes) { return modes }
            guard ContinuousClock.now < deadline else {
                throw BenchError.serverFailed(
                    "the \(options.server.rawValue) servers did not all serve within \(Int(options.startTimeout)) s "
                        + "(\(describe(modes)))\n\(logTails())")
            }
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    /// Starts a killed `member` again, on its data, and waits until it has caught up.
    public func restart(_ member: Member) async throws {
        await processes[member.id]?.stop()
        try launch(member)
        try await waitUntilFormed()
    }

    /// Each member's mode as srvr gives it; a member that does not answer is left out.
    public func currentModes() -> [Int: String] {
        var modes: [Int: String] = [:]
        for member in members { modes[member.id] = FourLetterWord.mode(port: member.clientPort, timeout: 1) }
        return modes
    }

    /// The member that says it leads, or the standalone server.
    public func leader() -> Member? {
        if isStandalone { return members[0] }
        return members.first { FourLetterWord.mode(port: $0.clientPort, timeout: 1) == "leader" }
    }

    public func pid(of member: Member) -> Int32? { processes[member.id]?.pid }

    /// SIGKILLs `member` now; `launch` starts it again.
    public func kill(_ member: Member) {
        processes[member.id]?.kill()
    }

    /// Throws, naming the member and the end of its log, if a server has exited.
    public func checkRunning() throws {
        for member in members {
            guard let process = processes[member.id], let status = process.exitStatus else { continue }
            throw BenchError.serverFailed(
                "\(name(member)) (pid \(process.pid)) exited with status \(status); \(member.logPath) ends:\n"
                    + logTail(member.logPath))
        }
    }

    /// Keeps the servers running until the task is cancelled (Ctrl-C); throws if one of them
    /// exits before that.
    public func serveUntilCancelled() async throws {
        while !Task.isCancelled {
            try checkRunning()
            try? await Task.sleep(for: .milliseconds(200))
        }
    }

    /// Stops every server (SIGTERM, SIGKILL after a grace period) and removes the directory
    /// unless `keepingFiles`.
    public func finish(keepingFiles: Bool) async {
        let running = Array(processes.values)
        processes = [:]
        await withTaskGroup(of: Void.self) { tasks in
            for process in running { tasks.addTask { await process.stop() } }
        }
        if !keepingFiles { try? FileManager.default.removeItem(atPath: directory) }
    }

    /// "server.2" in an ensemble, "keeper" or "zookeeper" standalone.
    public func name(_ member: Member) -> String {
        isStandalone ? options.server.rawValue : "server.\(member.id)"
    }

    /// "server.1 follower, server.2 down, server.3 leader".
    public func describe(_ modes: [Int: String]) -> String {
        members.map { "\(name($0)) \(modes[$0.id] ?? "down")" }.joined(separator: ", ")
    }

    private func isFormed(_ modes: [Int: String]) -> Bool {
        if isStandalone { return modes[1] == "standalone" }
        let leaders = modes.values.filter { $0 == "leader" }.count
        return leaders == 1 && members.allSatisfy { modes[$0.id] == "leader" || modes[$0.id] == "follower" }
    }

    private func logTails() -> String {
        members.map { "--- \(name($0)): \($0.logPath)\n" + logTail($0.logPath) }.joined(separator: "\n")
    }

    private static func writeFiles(
        _ options: EnsembleOptions, directory: String, members ports: [MemberPorts]
    ) throws -> [Member] {
        let files = FileManager.default
        try files.createDirectory(atPath: directory + "/data", withIntermediateDirectories: true)
        let shared = directory + "/zoo.cfg"
        let listeners: ServerSettings.Listeners =
            ports.count == 1 ? .standalone(clientPort: ports[0].clientPort) : .ensemble(ports)
        var members: [Member] = []
        for member in ports {
            let own = "\(directory)/\(member.id)"
            try files.createDirectory(atPath: own, withIntermediateDirectories: true)
            // ZooKeeper's members each need a dataDir of their own with a myid in it.
            let ownConfig = options.server == .zookeeper && ports.count > 1
            var settings = ServerSettings(
                listeners: listeners, dataDir: ownConfig ? "\(directory)/data/\(member.id)" : directory + "/data")
            settings.tickTime = options.tickTime
            let config = ownConfig ? own + "/zoo.cfg" : shared
            if ownConfig {
                try files.createDirectory(atPath: settings.dataDir, withIntermediateDirectories: true)
                try write("\(member.id)\n", to: settings.dataDir + "/myid")
            }
            if ownConfig || member.id == 1 { try write(settings.zooCfg, to: config) }
            let commandLine = ServerProcess.commandLine(
                kind: options.server, config: config, member: ports.count > 1 ? member.id : nil,
                corralBinary: options.corralBinary, jvmFlags: options.jvmFlags)
            members.append(Member(ports: member, logPath: own + "/server.log", commandLine: commandLine))
        }
        return members
    }

    private static func write(_ text: String, to path: String) throws {
        guard FileManager.default.createFile(atPath: path, contents: Data(text.utf8)) else {
            throw BenchError.invalidOption("cannot write \(path)")
        }
    }
}

/// The last `lines` lines of a log file.
func logTail(_ path: String, lines: Int = 20) -> String {
    guard let text = ProcessProbe.read(path) else { return "(no log)" }
    return text.split(separator: "\n", omittingEmptySubsequences: false).suffix(lines).joined(separator: "\n")
}
