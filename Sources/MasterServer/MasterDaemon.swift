import ClusterEdge
import ClusterProtocol
import FoundationEssentials
import HTTPTypes
import Hummingbird
import KeeperClient
import Logging
import MasterCore
import ServiceLifecycle

/// `corral master`: serves the HTTP API, contends for leadership through Keeper (or leads
/// at once without `--zk`), and runs the leader's timers, until SIGINT or SIGTERM.
public struct MasterDaemon: Sendable {
    public let options: MasterOptions
    public let logger: Logger

    public init(options: MasterOptions, logger: Logger) {
        self.options = options
        self.logger = logger
    }

    public func run() async throws {
        let options = options
        // A fresh id for every candidacy: a master elected again starts a new core, and
        // the ids it makes (<id>-0000, <id>-S0, <id>-O0) must not repeat the last term's.
        let newInfo: @Sendable () -> Mesos.MasterInfo = { options.masterInfo(id: UUID().uuidString.lowercased()) }
        let host = MasterHost(logger: logger) { options.config(for: $0) }
        var routes = MasterRoutes(host: host)
        routes.authentication = options.authentication
        routes.acls = options.acls
        if let zk = options.zk, case .keeper(let connectString, let path, _) = zk {
            routes.keeper = KeeperBrowser(
                connectString: connectString, mastersPath: path, access: zk.keeperAccess, logger: logger)
        }
        let app = Application(
            router: routes.router(),
            server: try ClusterHTTPServer.builder(tls: options.tls, logger: logger),
            configuration: .init(address: .hostname(options.ip, port: options.port), serverName: nil),
            logger: logger)
        let leadership = LeadershipService(
            host: host, newInfo: newInfo, zk: options.zk, sessionTimeout: .milliseconds(options.zkSessionTimeout),
            leaderWatch: options.leaderProbeInterval.map { LeaderWatch(interval: .milliseconds($0)) }, logger: logger)
        let group = ServiceGroup(
            configuration: .init(
                services: [.init(service: app), .init(service: leadership)],
                gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        logger.info(
            "Master serving \(ClusterHTTPServer.describe(options.tls)) on \(options.ip):\(options.port); \(options.zk.map { "contending at \($0)" } ?? "leading alone (no --zk)")"
        )
        try await group.run()
    }
}

/// Contends for leadership and runs the leader's timers; on shutdown, closes every
/// stream (they would hold the HTTP server open) and leaves the election.
struct LeadershipService: Service {
    let host: MasterHost
    let newInfo: @Sendable () -> Mesos.MasterInfo
    let zk: MasterURL?
    let sessionTimeout: Duration
    /// How a standby learns that the leader's process died; nil waits for its session.
    let leaderWatch: LeaderWatch?
    let logger: Logger

    func run() async throws {
        await cancelWhenGracefulShutdown {
            await withTaskGroup(of: Void.self) { group in
                group.addTask { await host.runTimers() }
                group.addTask { await contend() }
                await group.next()
                group.cancelAll()
            }
        }
        await host.standBy(leader: nil)
    }

    private func contend() async {
        guard let zk, case .keeper(let connectString, let path, _) = zk else {
            await host.lead(as: newInfo())
            while !Task.isCancelled { try? await Task.sleep(for: .seconds(3600)) }
            return
        }
        while !Task.isCancelled {
            let info = newInfo()
            let data = MesosJSON.encode(info)
            do {
                let access = zk.keeperAccess
                let configuration = access.configuration(sessionTimeout: sessionTimeout)
                let client = try await KeeperClient.connect(connectString, configuration: configuration)
                defer { Task { await client.close() } }
                try await client.ensurePath(path, acl: access.acl)
                let election = LeaderElection(
                    client: client, path: path, prefix: MasterElection.prefix, acl: access.acl)
                let candidacy = Candidacy(
                    election: election, own: data, leaderWatch: leaderWatch, role: "master", logger: logger)
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask { try await follow(candidacy) }
                    let leadership = try await election.lead(data: data)
                    let store = RegistryStore(client: client, electionPath: path, acl: access.acl)
                    let registry = try await store.claim(masterID: info.id, leading: leadership.node)
                    logger.info(
                        "Read the registry: \(registry.agents.count) agents, \(registry.frameworks.count) frameworks")
                    let abdications = await host.lead(as: info, registry: registry, store: store)
                    await candidacy.hold(
                        leadership, until: abdications, client: client, sessionTimeout: sessionTimeout)
                    await host.standBy(leader: nil)
                    group.cancelAll()
                }
            } catch {
                if Task.isCancelled { return }
                logger.warning("Contending at zk://\(connectString)\(path): \(error); trying again in 1 s")
                await host.standBy(leader: nil)
            }
            try? await Task.sleep(for: .seconds(1))
        }
    }

    /// While standing by, keeps the leader's address for redirects (none while this
    /// master's own node leads but it has not read the registry yet: 503, not a redirect to
    /// itself), and notes whether the leader answers the leader watch's probes.
    private func follow(_ candidacy: Candidacy) async throws {
        let host = self.host
        try await candidacy.follow(
            address: { MasterElection.address(fromInfo: $0) }, note: { await host.noteLeader($0) },
            heard: { answered, address in await host.noteLeaderAnswers(answered, at: address) })
    }
}
