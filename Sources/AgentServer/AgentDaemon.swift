import AgentCore
import AgentStorage
import ClusterCore
import ClusterEdge
import ClusterProtocol
import FoundationEssentials
import HTTPTypes
import Hummingbird
import KeeperStorage
import Logging
import ServiceLifecycle
import UnixSignals

#if canImport(Glibc)
    import Glibc
#endif

/// `corral agent`: registers with the leading master, runs its tasks in containers, and
/// serves the executor API and the sandboxes, until a signal (see `AgentService`). Started
/// on a work dir with a checkpoint, it first takes back what the checkpoint lists.
public struct AgentDaemon: Sendable {
    public let options: AgentOptions
    public let logger: Logger

    public init(options: AgentOptions, logger: Logger) {
        self.options = options
        self.logger = logger
    }

    public func run() async throws {
        let resources = try options.agentResources()
        var info = Mesos.AgentInfo(hostname: options.hostname, resources: [Mesos.Resource](resources))
        info.port = Int32(options.port)
        info.attributes = try options.agentAttributes()
        let seed = withUnsafeBytes(of: UUID().uuid) { Array($0) }
        var config = AgentConfig(
            agentInfo: info, workDir: options.workDir, endpoint: "\(options.ip):\(options.port)", uniqueSeed: seed)
        config.switchUser = options.switchUser
        config.inheritedEnvironment = options.inheritedEnvironment
        config.bootID =
            KernelFile.readIfPresent("/proc/sys/kernel/random/boot_id").map { String($0.filter { !$0.isWhitespace }) }
            ?? ""
        let waitShim = options.waitShimExecutable.map {
            ContainerWaitShim.Setup(argv: [$0, "container-wait"], directory: options.workDir + "/meta/containers")
        }
        let containerizer = try Containerizer(
            isolation: options.isolation, cgroupRoot: options.cgroupRoot, waitShim: waitShim,
            rootTasksAllowed: options.rootTasksAllowed, logger: logger)
        logger.info("Isolation: \(containerizer.description)")
        if options.switchUser, let problem = Self.unreachableByOthers(options.workDir) { logger.warning("\(problem)") }
        let store = CheckpointStore(fileSystem: PosixFileSystem(), workDir: options.workDir)
        let host = try await AgentRecovery.start(
            config: config, containerizer: containerizer, store: store, logger: logger)
        var routes = AgentRoutes(host: host, workDir: options.workDir)
        routes.authentication = options.authentication
        routes.acls = options.acls
        if options.authenticateExecutors {
            let tokens = ExecutorTokens(secret: try Self.executorSecret(options))
            routes.executorTokens = tokens
            await host.authenticateExecutors(with: tokens)
        }
        let app = Application(
            router: routes.router(),
            server: try ClusterHTTPServer.builder(tls: options.tls, logger: logger),
            configuration: .init(address: .hostname(options.ip, port: options.port), serverName: nil),
            logger: logger)
        let registration = MasterRegistration(
            host: host, detector: MasterDetector(url: options.master, logger: logger), credential: options.credential,
            logger: logger)
        let service = AgentService(host: host, registration: registration, logger: logger)
        let group = ServiceGroup(
            configuration: .init(
                services: [
                    .init(service: app),
                    .init(service: service, successTerminationBehavior: .gracefullyShutdownGroup),
                ],
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger))
        logger.info(
            "Agent serving \(ClusterHTTPServer.describe(options.tls)) on \(options.ip):\(options.port) with \(resources); master \(options.master)"
        )
        try await group.run()
    }
}

extension AgentDaemon {
    /// The key executors' tokens are signed with: `--jwt-secret-key`'s file, or one the
    /// agent made and keeps in its work dir (readable by root only).
    static func executorSecret(_ options: AgentOptions) throws -> [UInt8] {
        let path = options.executorSecretKeyFile ?? options.workDir + "/meta/executor-token-key"
        if let data = FileManager.default.contents(atPath: path), !data.isEmpty { return Array(data) }
        guard options.executorSecretKeyFile == nil else {
            throw AgentOptionsError(message: "--jwt-secret-key: cannot read \(path), or it is empty")
        }
        var generator = SystemRandomNumberGenerator()
        let key = (0..<ExecutorTokens.keyBytes).map { _ in UInt8.random(in: 0...255, using: &generator) }
        try FileManager.default.createDirectory(
            atPath: options.workDir + "/meta", withIntermediateDirectories: true)
        guard FileManager.default.createFile(atPath: path, contents: Data(key), attributes: [.posixPermissions: 0o600])
        else {
            throw AgentOptionsError(message: "cannot write the executors' token key to \(path)")
        }
        return key
    }

    /// Why tasks run as other users could not reach their sandboxes under `workDir`: a
    /// directory on the way that others may not search. Nil when they can.
    static func unreachableByOthers(_ workDir: String) -> String? {
        var path = ""
        for part in workDir.split(separator: "/") {
            path += "/" + part
            var info = stat()
            guard stat(path, &info) == 0 else { return nil }
            if info.st_mode & S_IXOTH == 0 {
                return
                    "\(path) is not searchable by other users, so tasks that run as another user (--switch-user) cannot reach their sandboxes; chmod o+x it"
            }
        }
        return nil
    }
}

/// Registration and timers, until a signal. SIGTERM or SIGINT stops the agent and leaves
/// its containers running, to be taken back when it starts again (`AgentHost.stop`); SIGUSR1
/// makes it leave the cluster, as Mesos' agent does (`AgentHost.leave`: every container
/// killed, the master told, the checkpoint removed), and so does an agent the master marked
/// gone, which then exits, as Mesos' agent does. Either way every executor stream is closed,
/// so that the HTTP server can stop.
struct AgentService: Service {
    let host: AgentHost
    let registration: MasterRegistration
    let logger: Logger

    func run() async throws {
        let timers = Task { await host.runTimers() }
        let registering = Task { await registration.run() }
        switch await Self.waitForSignal(orGone: host.markedGone) {
        case .leave: await host.leave()
        case .gone:
            await host.leave()
            logger.info(
                "This agent may not register again (marked gone, or refused by the master) and has left: exiting")
        case .stop: await host.stop()
        }
        registering.cancel()
        timers.cancel()
        await registering.value
        await timers.value
    }
}

extension AgentService {
    enum Ending { case stop, leave, gone }

    /// The graceful shutdown (SIGTERM, SIGINT), SIGUSR1, or the master marking the agent
    /// gone (`gone` ends), whichever comes first.
    static func waitForSignal(orGone gone: AsyncStream<Void>) async -> Ending {
        await withTaskGroup(of: Ending.self) { group in
            group.addTask {
                for await _ in gone {}
                return Task.isCancelled ? .stop : .gone
            }
            group.addTask {
                try? await gracefulShutdown()
                return .stop
            }
            group.addTask {
                for await _ in await UnixSignalsSequence(trapping: .sigusr1) { return .leave }
                return .stop
            }
            let first = await group.next() ?? .stop
            group.cancelAll()
            return first
        }
    }
}
