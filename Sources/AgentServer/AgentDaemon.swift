import AgentCore
import ClusterCore
import ClusterEdge
import ClusterProtocol
import FoundationEssentials
import HTTPTypes
import Hummingbird
import Logging
import ServiceLifecycle

/// `corral agent`: registers with the leading master, runs its tasks in containers, and
/// serves the executor API and the sandboxes, until SIGINT or SIGTERM (which kill every
/// container and unregister: without checkpoints, nothing could take them over).
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
        let config = AgentConfig(
            agentInfo: info, workDir: options.workDir, endpoint: "\(options.ip):\(options.port)", uniqueSeed: seed)
        let containerizer = try Containerizer(
            isolation: options.isolation, cgroupRoot: options.cgroupRoot, logger: logger)
        logger.info("Isolation: \(containerizer.description)")
        let host = AgentHost(config: config, containerizer: containerizer, logger: logger)
        let app = Application(
            router: AgentRoutes(host: host, workDir: options.workDir).router(),
            server: .http1(configuration: .init(idleTimeout: .seconds(60))),
            configuration: .init(address: .hostname(options.ip, port: options.port), serverName: nil),
            logger: logger)
        let registration = MasterRegistration(
            host: host, detector: MasterDetector(url: options.master, logger: logger), logger: logger)
        let service = AgentService(host: host, registration: registration)
        let group = ServiceGroup(
            configuration: .init(
                services: [.init(service: app), .init(service: service)], gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger))
        logger.info("Agent serving on \(options.ip):\(options.port) with \(resources); master \(options.master)")
        try await group.run()
    }
}

/// Registration and timers; on shutdown the agent leaves the cluster (`AgentHost.leave`:
/// every container killed, the master told), and every executor stream is closed, so that
/// the HTTP server can stop.
struct AgentService: Service {
    let host: AgentHost
    let registration: MasterRegistration

    func run() async throws {
        let timers = Task { await host.runTimers() }
        let registering = Task { await registration.run() }
        try? await gracefulShutdown()
        await host.leave()
        registering.cancel()
        timers.cancel()
        await registering.value
        await timers.value
    }
}
