import ClusterCore
import ClusterEdge
import ClusterProtocol
import CorralMetrics
import CorralUI
import HTTPTypes
import Hummingbird
import MasterCore

/// The master's HTTP API as one router, shared by `corral master` and the tests. Paths
/// route as libprocess routes them: `/master/X` and plain `/X` are the same endpoint, and
/// `/api/v1/operator` reaches `/api/v1`.
public struct MasterRoutes: Sendable {
    public let host: MasterHost
    /// The largest request body any endpoint reads (413 beyond).
    public var requestBytesMax = 8 << 20
    public var operatorHeartbeat: Duration = .seconds(15)
    /// The read-only Keeper endpoints the UI browses; nil without `--zk`.
    public var keeper: KeeperBrowser?
    /// Who must authenticate; nil: nobody.
    public var authentication: MasterAuthentication?
    /// Mesos' `--acls` (the core has them too, for what it decides).
    public var acls = MesosACLs()

    public init(host: MasterHost) {
        self.host = host
    }

    public func router() -> Router<BasicRequestContext> {
        let router = Router()
        let metrics = host.metrics
        router.add(middleware: HTTPMetricsMiddleware(metrics.registry))
        let access = MasterAccess(authentication: authentication, acls: acls)
        router.add(middleware: AccessMiddleware(access))
        router.addMetrics(metrics.registry) { [host] in metrics.refresh(await host.metricsReading()) }
        let scheduler = SchedulerEndpoint(
            host: host, requestBytesMax: requestBytesMax, authenticates: authentication?.frameworks == true,
            access: access)
        let agent = AgentEndpoint(host: host, requestBytesMax: requestBytesMax)
        let operatorAPI = OperatorEndpoint(
            host: host, requestBytesMax: requestBytesMax, heartbeatInterval: operatorHeartbeat, access: access)
        every(router, "/api/v1/scheduler") { request, _ in try await scheduler.handle(request) }
        every(router, "/corral/v1/agent") { request, _ in try await agent.handle(request) }
        every(router, "/api/v1") { request, _ in try await operatorAPI.handle(request) }
        every(router, "/api/v1/operator") { request, _ in try await operatorAPI.handle(request) }
        let host = host
        for path in ["/health", "/master/health"] {
            router.get(RouterPath(path)) { _, _ in Response(status: .ok) }
        }
        router.get("/version") { _, _ in
            HTTPReplies.json(
                JSONValue.object([
                    ("version", .string(Master.mesosVersion)), ("build_date", ""), ("build_time", 0),
                    ("build_user", ""),
                    ("corral_version", .string(CorralVersion.text)),
                ]).serialized)
        }
        for path in ["/master/redirect", "/redirect"] {
            router.get(RouterPath(path)) { request, _ in
                switch host.role {
                case .leading:
                    return Response(status: .temporaryRedirect, headers: [.location: "//\(await host.selfAddress)"])
                case .standby(let leader): return Redirect.to(leader, request, keepPath: false)
                }
            }
        }
        stateRoutes(router, access: access)
        uiRoutes(router, access: access)
        return router
    }

    /// The v0 JSON endpoints; a standby redirects them to the leader.
    private func stateRoutes(_ router: Router<BasicRequestContext>, access: MasterAccess) {
        let host = host
        let state: @Sendable (Master, MasterHost.Snapshot) -> JSONValue = { master, snapshot in
            StateJSON.state(
                master, info: master.config.masterInfo, startedAt: snapshot.startedAt, electedAt: snapshot.electedAt)
        }
        let views: [(String, @Sendable (Master, MasterHost.Snapshot) -> JSONValue)] = [
            ("state", state),
            ("state.json", state),
            ("state-summary", { master, _ in StateJSON.summary(master, info: master.config.masterInfo) }),
            ("frameworks", { master, _ in StateJSON.frameworks(master) }),
            ("slaves", { master, _ in StateJSON.agents(master) }),
            ("tasks", { master, _ in StateJSON.tasks(master) }),
            ("roles", { master, _ in StateJSON.roles(master) }),
            ("metrics/snapshot", { master, snapshot in MetricsSnapshot.master(master, snapshot: snapshot) }),
        ]
        for (name, view) in views {
            let paths = name == "metrics/snapshot" ? ["/metrics/snapshot"] : ["/master/" + name, "/" + name]
            for path in paths {
                router.get(RouterPath(path)) { request, _ in
                    if name == "metrics/snapshot", case .standby = host.role {
                        return HTTPReplies.json(MetricsSnapshot.standby.serialized)
                    }
                    if let redirect = Redirect.ifStandingBy(host, request) { return redirect }
                    let snapshot = await host.snapshot
                    let principal = access.principal(request)
                    guard let json = await host.read({ view($0.visible(to: principal), snapshot) }) else {
                        return Redirect.leadershipLost
                    }
                    return HTTPReplies.json(json.serialized)
                }
            }
        }
    }

    /// The web UI (a standby sends the browser to the leader's), and the Keeper views it reads.
    private func uiRoutes(_ router: Router<BasicRequestContext>, access: MasterAccess) {
        let host = host
        router.addUI { request in
            guard case .standby(let leader?) = host.role, !host.isLeaderSilent else { return nil }
            return Redirect.to(leader, request)
        }
        let keeper = KeeperEndpoint(browser: keeper, access: access)
        router.get("/corral/v1/keeper/znode") { request, _ in await keeper.znode(request) }
        for method in [HTTPRequest.Method.post, .put, .delete] {
            router.on("/corral/v1/keeper/znode", method: method) { request, _ in await keeper.write(request) }
        }
        router.get("/corral/v1/keeper/ensemble") { _, _ in await keeper.ensemble() }
        router.get("/corral/v1/masters") { _, _ in await keeper.masters() }
    }

    /// Registers `handle` for every method on `path`, so that the endpoint itself answers
    /// 405 to the wrong one (Hummingbird would answer 404).
    private func every(
        _ router: Router<BasicRequestContext>, _ path: String,
        _ handle: @escaping @Sendable (Request, BasicRequestContext) async throws -> Response
    ) {
        for method in [HTTPRequest.Method.get, .post, .put, .delete, .patch, .head, .options] {
            router.on(RouterPath(path), method: method, use: handle)
        }
    }
}
