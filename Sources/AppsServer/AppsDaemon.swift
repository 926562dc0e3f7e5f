import ClusterEdge
import Hummingbird
import Logging
import ServiceLifecycle

/// `corral apps`: serves the REST API, contends for Apps' leadership through Keeper, and
/// while leading runs the scheduler against the master, until SIGINT or SIGTERM.
public struct AppsDaemon: Sendable {
    public let settings: AppsSettings
    public let logger: Logger
    /// How often a standby checks that the leader's process still listens.
    public var leaderProbeInterval: Duration? = .milliseconds(100)

    public init(settings: AppsSettings, logger: Logger) {
        self.settings = settings
        self.logger = logger
    }

    public func run() async throws {
        let host = AppsHost(settings: settings, logger: logger)
        let app = Application(
            responder: AppsRoutes(host: host).responder(),
            server: try ClusterHTTPServer.builder(tls: settings.tls, logger: logger),
            configuration: .init(address: .hostname(settings.ip, port: settings.port), serverName: nil),
            logger: logger)
        let leadership = AppsLeadership(
            host: host, settings: settings, leaderWatch: leaderProbeInterval.map { LeaderWatch(interval: $0) },
            logger: logger)
        let group = ServiceGroup(
            configuration: .init(
                services: [.init(service: app), .init(service: leadership)],
                gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        logger.info(
            "Apps serving on \(settings.url); contending at \(settings.zk), framework of \(settings.master)")
        try await group.run()
    }
}
