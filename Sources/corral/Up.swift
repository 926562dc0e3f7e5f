import ArgumentParser
import ClusterCore
import ClusterEdge
import FoundationEssentials
import KeeperBench
import KeeperServer
import Logging

#if canImport(Glibc)
    import Glibc
#endif

/// `corral up`: a whole local cluster in one command, for a first look: the Keeper
/// ensemble of ensemble.conf (in this process), masters electing a leader through it,
/// agents splitting this machine's resources, and Apps (child processes of this one).
/// Every log goes under DATA/logs; Ctrl-C stops everything, children first.
struct Up: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run a local cluster from ensemble.conf until Ctrl-C.")

    @Option(help: "The ensemble's config file.")
    var config = "ensemble.conf"

    @Option(help: "Where the cluster keeps its files and logs (each server in its own subdirectory).")
    var data = "data"

    @Option(help: "How many masters (one leads, the others stand by); 0 runs Keeper alone.")
    var masters = 2

    @Option(help: "How many agents; they split this machine's cores, memory, disk and ports 31000-31999.")
    var agents = 2

    @Option(help: "The first master's port; the next ones follow it.")
    var masterPort = 5050

    @Option(help: "The first agent's port; the next ones follow it.")
    var agentPort = 5151

    @Option(help: "How many Apps instances (Marathon-style services; one leads); 0 runs none.")
    var apps = 1

    @Option(help: "The first Apps instance's port; the next ones follow it.")
    var appsPort = 8080

    @Flag(
        help:
            "HTTPS on every master, agent and Apps port, with an authority and a certificate made in DATA/tls (Mesos' LIBPROCESS_SSL_* variables set for each)."
    )
    var tls = false

    @Option(help: "trace, debug, info, notice, warning, error or critical.", transform: LogSetup.level)
    var logLevel: Logger.Level = .info

    func validate() throws {
        guard masters >= 0, agents >= 0, apps >= 0, masters > 0 || (agents == 0 && apps == 0) else {
            throw ValidationError(
                "agents and Apps need a master: --masters must be at least 1 when --agents or --apps is")
        }
    }

    func run() async throws {
        try makeDirectory(data + "/logs")
        let keeperLog = try FileLogHandler.Sink(path: data + "/logs/keeper.log")
        let level = logLevel
        LoggingSystem.bootstrap { label in
            guard label.hasPrefix("keeper") else {
                var handler = StreamLogHandler.standardError(label: label)
                handler.logLevel = level
                return handler
            }
            return FileLogHandler(label: label, sink: keeperLog, logLevel: level)
        }
        let logger = Logger(label: "up")
        let tlsEnvironment = try tls ? makeTLS() : [:]
        let servers = try await startKeeper()
        let connect = servers.map { "127.0.0.1:\($0.port)" }.joined(separator: ",")
        let zk = "zk://\(connect)/mesos"
        var children: [(name: String, process: ChildProcess)] = []
        do {
            children = try startCluster(zk: zk, environment: tlsEnvironment)
            try await waitUntilReady(zk: zk, children: children, logger: logger)
        } catch {
            await stop(children, servers)
            throw error
        }
        printSummary(
            connect: connect, zk: zk, keeperMetrics: servers.compactMap(\.metricsPort),
            authority: tlsEnvironment["LIBPROCESS_SSL_CA_FILE"])
        await SignalWaiter.waitForTermination()
        logger.info("stopping")
        await stop(children, servers)
    }

    private func startKeeper() async throws -> [KeeperServer] {
        var base = try ServerSetup.load(config, id: nil, logger: Logger(label: "up"), allowEnsemble: true)
        base.dataDir = data
        var servers: [KeeperServer] = []
        let ids = base.peers.map(\.id).sorted()
        for id in ids.isEmpty ? [0] : ids {
            let serverConfig = id == 0 ? base : try base.forServer(id)
            servers.append(
                try await KeeperServer.start(
                    config: serverConfig, logger: Logger(label: id == 0 ? "keeper" : "keeper-\(id)")))
        }
        return servers
    }

    /// The local authority and certificate, and the variables that make every daemon serve
    /// HTTPS with them; this process's own requests trust the authority from here on.
    private func makeTLS() throws -> [String: String] {
        let directory = (data.hasPrefix("/") ? data : FileManager.default.currentDirectoryPath + "/" + data) + "/tls"
        let (files, made) = try LocalCertificates.ensure(in: directory)
        Output.line(
            made ? "Made an authority and a certificate in \(directory)" : "Using the certificates in \(directory)")
        let environment = [
            "LIBPROCESS_SSL_ENABLED": "true", "LIBPROCESS_SSL_CERT_FILE": files.certificate,
            "LIBPROCESS_SSL_KEY_FILE": files.key, "LIBPROCESS_SSL_CA_FILE": files.authority,
        ]
        ClusterTLS.configureProcess(try ClusterTLS.fromEnvironment(environment))
        return environment
    }

    /// Masters and agents as child processes of this one (they exit if it dies).
    private func startCluster(zk: String, environment tlsEnvironment: [String: String]) throws -> [(
        name: String, process: ChildProcess
    )] {
        let executable = RecoveryOptions.currentExecutable()
        let environment = tlsEnvironment.merging(["CORRAL_EXIT_WITH_PARENT": String(getpid())]) { $1 }
        var children: [(String, ChildProcess)] = []
        for index in 0..<masters {
            let name = "master-\(index + 1)"
            let arguments = [
                executable, "master", "--zk", zk, "--port", String(masterPort + index), "--work-dir",
                "\(data)/\(name)", "--log-level", logLevel.rawValue,
            ]
            children.append(
                (
                    name,
                    try ChildProcess(
                        arguments: arguments, logPath: "\(data)/logs/\(name).log", environment: environment)
                ))
        }
        for index in 0..<agents {
            let name = "agent-\(index + 1)"
            var arguments = [
                executable, "agent", "--master", zk, "--port", String(agentPort + index), "--work-dir",
                "\(data)/\(name)", "--resources", AgentShare.resources(index, of: agents, workDir: data),
                "--cgroup-root", "corral-up", "--log-level", logLevel.rawValue,
            ]
            // Run by root, the commands it suggests frame tasks as root: a first look allows it.
            if geteuid() == 0 { arguments.append("--allow-root-tasks") }
            children.append(
                (
                    name,
                    try ChildProcess(
                        arguments: arguments, logPath: "\(data)/logs/\(name).log", environment: environment)
                ))
        }
        for index in 0..<apps {
            let name = "apps-\(index + 1)"
            let appsZK = zk.replacingOccurrences(of: "/mesos", with: "/corral-apps")
            let arguments = [
                executable, "apps", "--zk", appsZK, "--master", zk, "--port", String(appsPort + index), "--log-level",
                logLevel.rawValue,
            ]
            children.append(
                (
                    name,
                    try ChildProcess(
                        arguments: arguments, logPath: "\(data)/logs/\(name).log", environment: environment)
                ))
        }
        return children
    }

    /// Waits (60 s at most, saying what it waits for) until a master leads and every agent
    /// has registered with it.
    private func waitUntilReady(zk: String, children: [(name: String, process: ChildProcess)], logger: Logger)
        async throws
    {
        guard masters > 0 else { return }
        let clock = ContinuousClock()
        let deadline = clock.now + .seconds(60)
        var said = ""
        while clock.now < deadline {
            if let dead = children.first(where: { !$0.process.isRunning }) {
                throw ValidationError("\(dead.name) exited; see \(data)/logs/\(dead.name).log")
            }
            let registered = await registeredAgents()
            let appsReady = apps == 0 ? true : await appsSubscribed()
            let line =
                registered == nil
                ? "waiting for a leading master…"
                : registered! < agents
                    ? "waiting for agents: \(registered!) of \(agents) registered…"
                    : "waiting for Apps to lead and subscribe…"
            if line != said {
                Output.line(line)
                said = line
            }
            if let registered, registered >= agents, appsReady { return }
            try await Task.sleep(for: .milliseconds(250))
        }
        throw ValidationError("the cluster did not come up within 60 s; see the logs in \(data)/logs")
    }

    /// How many agents the leading master has, or nil while none leads.
    private func registeredAgents() async -> Int? {
        let master = HostPort(host: "127.0.0.1", port: masterPort)
        return try? await OperatorClient.call(.getAgents, at: master, timeout: .seconds(2)).response.getAgents?.agents
            .count
    }

    /// True once an Apps instance answers and the leading master has Apps' framework
    /// active (subscribed now, not only known from an earlier run).
    private func appsSubscribed() async -> Bool {
        let apps = HTTPRequestSpec(method: "GET", host: "127.0.0.1", port: appsPort, target: "/ping")
        let master = HostPort(host: "127.0.0.1", port: masterPort)
        guard let answer = try? await HTTPClient.send(apps, timeout: .seconds(2)), answer.head.status == 200,
            let frameworks = try? await OperatorClient.call(.getFrameworks, at: master, timeout: .seconds(2)).response
                .getFrameworks?.frameworks
        else { return false }
        return frameworks.contains { $0.frameworkInfo.name == "corral-apps" && $0.active }
    }

    private func printSummary(connect: String, zk: String, keeperMetrics: [Int], authority: String?) {
        let corral = Self.sibling("corral") ?? "swift run corral"
        let zkcli = Self.sibling("zkcli") ?? "swift run zkcli"
        let scheme = authority == nil ? "http" : "https"
        let masterLine =
            masters > 0
            ? "  Master:   \(scheme)://127.0.0.1:\(masterPort)  (\(masters) masters, one leads; \(agents) agents)\n"
            : ""
        let appsLine =
            apps > 0 ? "  Apps:     \(scheme)://127.0.0.1:\(appsPort)  (Marathon's REST API: /v2/apps)\n" : ""
        let tlsLine =
            authority.map {
                "  TLS:      the authority is \($0); for the commands below first\n            export LIBPROCESS_SSL_ENABLED=true LIBPROCESS_SSL_CA_FILE=\($0)\n            and curl --cacert \($0) https://127.0.0.1:\(masterPort)/master/state\n"
            } ?? ""
        let keeperScrapes = keeperMetrics.map { "http://127.0.0.1:\($0)/metrics" }.joined(separator: " ")
        let metricsLine =
            keeperMetrics.isEmpty
            ? "" : "  Metrics:  \(keeperScrapes) (Keeper), and /metrics on every master, agent and Apps\n"
        let appsTry = apps > 0 ? "            \(corral) apps list --apps \(scheme)://127.0.0.1:\(appsPort)\n" : ""
        Output.line(
            """

            Corral is up (files and logs in \(data)/).
            \(masterLine)\(appsLine)  Keeper:   \(connect)
              Masters:  \(zk)
            \(metricsLine)\(tlsLine)  Try:      \(corral) execute --master \(zk) --name hello --command 'echo hello from $HOSTNAME' --resources 'cpus:0.1;mem:32'
                        \(corral) cluster agents --master \(zk)
            \(appsTry)            \(zkcli) --server \(connect) tree /mesos
            Press Ctrl-C to stop.

            """)
    }

    /// SIGUSR1 to the agents (they leave the cluster and kill their tasks; SIGTERM would leave
    /// the tasks running for the agents to take back) and SIGTERM to the masters, SIGKILL to
    /// those still there after 15 s; then Keeper.
    private func stop(_ children: [(name: String, process: ChildProcess)], _ servers: [KeeperServer]) async {
        for child in children where child.name.hasPrefix("apps") { child.process.signal(SIGTERM) }
        for child in children where !child.name.hasPrefix("apps") {
            child.process.signal(child.name.hasPrefix("agent") ? SIGUSR1 : SIGTERM)
        }
        let clock = ContinuousClock()
        let deadline = clock.now + .seconds(15)
        while children.contains(where: { $0.process.isRunning }), clock.now < deadline {
            try? await Task.sleep(for: .milliseconds(100))
        }
        for child in children where child.process.isRunning {
            child.process.signal(SIGKILL)
            child.process.waitUntilExit()
        }
        for server in servers { await server.shutdown() }
    }

    /// A program built beside this corral, or nil.
    private static func sibling(_ name: String) -> String? {
        let executable = RecoveryOptions.currentExecutable()
        guard let slash = executable.utf8.lastIndex(of: UInt8(ascii: "/")) else { return nil }
        let path = String(executable[..<slash]) + "/" + name
        return access(path, X_OK) == 0 ? path : nil
    }
}

/// One agent's share of this machine, for `corral up`.
enum AgentShare {
    static func resources(_ index: Int, of count: Int, workDir: String) -> String {
        let cores = Int64(max(1, sysconf(Int32(_SC_NPROCESSORS_ONLN))))
        let memoryMB = Int64(sysconf(Int32(_SC_PHYS_PAGES))) * Int64(sysconf(Int32(_SC_PAGESIZE))) / (1 << 20)
        var disk = statvfs()
        let diskMB = statvfs(workDir, &disk) == 0 ? Int64(disk.f_bavail) * Int64(disk.f_frsize) / (1 << 20) : 10_000
        let cpus = Scalar(thousandths: cores * 1000 / Int64(count))
        let mem = max(64, (memoryMB - min(1024, memoryMB / 2)) / Int64(count))
        let diskShare = max(0, (diskMB - min(5120, diskMB / 2)) / Int64(count))
        let width = 1000 / count
        let low = 31000 + index * width
        return "cpus:\(cpus);mem:\(mem);disk:\(diskShare);ports:[\(low)-\(low + width - 1)]"
    }
}
