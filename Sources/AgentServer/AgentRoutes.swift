import AgentCore
import ClusterCore
import ClusterEdge
import ClusterProtocol
import CorralMetrics
import HTTPTypes
import Hummingbird

/// The agent's HTTP API as one router, shared by `corral agent` and the tests: the
/// executor API, `/state`, `/health`, `/version`, the sandbox files, and the operator
/// calls GET_HEALTH, GET_VERSION, GET_STATE, GET_CONTAINERS, GET_FRAMEWORKS, GET_EXECUTORS,
/// GET_TASKS; what a principal sees and reads follows `--acls` (`AgentAccess`).
public struct AgentRoutes: Sendable {
    public let host: AgentHost
    public let workDir: String
    public var requestBytesMax = 8 << 20
    /// Executors authenticate with their tokens (`--authenticate-http-executors`); nil: they need none.
    public var executorTokens: ExecutorTokens?
    /// Who must authenticate to the other endpoints; nil: nobody.
    public var authentication: AgentAuthentication?
    /// Mesos' `--acls`: what each principal may see and read here (`AgentAccess`).
    public var acls = MesosACLs()

    public init(host: AgentHost, workDir: String) {
        self.host = host
        self.workDir = workDir
    }

    public func router() -> Router<BasicRequestContext> {
        let router = Router()
        let executor = ExecutorEndpoint(host: host, requestBytesMax: requestBytesMax, tokens: executorTokens)
        let files = SandboxFiles(root: workDir + "/slaves")
        let access = AgentAccess(authentication: authentication, acls: acls)
        let host = host
        router.add(middleware: HTTPMetricsMiddleware(host.metrics.registry))
        // The web UI, served by the masters, reads `/state` and the sandbox files here, with
        // the credentials a user typed when the agent asks (Authorization): preflights are
        // answered before authentication, and refusals carry the header the page needs to
        // read them.
        router.add(middleware: CORSMiddleware(allowOrigin: .all, allowMethods: [.get, .head]))
        if let authentication {
            router.add(
                middleware: BasicAuthenticationMiddleware(authentication.credentials, requires: authentication.requires)
            )
        }
        router.add(middleware: GetEndpointsMiddleware(access: access))
        router.addMetrics(host.metrics.registry) { await host.refreshMetrics() }
        for method in [HTTPRequest.Method.get, .post, .put, .delete, .patch] {
            router.on("/api/v1/executor", method: method) { request, _ in try await executor.handle(request) }
        }
        for path in ["/health", "/slave(1)/health"] { router.get(RouterPath(path)) { _, _ in Response(status: .ok) } }
        router.get("/version") { _, _ in
            HTTPReplies.json(
                JSONValue.object([("version", "1.11.0"), ("build_date", ""), ("build_time", 0)]).serialized)
        }
        for path in ["/state", "/state.json", "/slave(1)/state"] {
            router.get(RouterPath(path)) { request, _ in
                let principal = access.principal(request)
                let acls = access.acls
                return HTTPReplies.json(
                    await host.read { AgentStateJSON.state($0.visible(to: principal, acls)) }.serialized)
            }
        }
        // The sandbox a request names, once its principal may read it (access_sandboxes).
        let sandbox = { @Sendable (request: Request) async throws -> SandboxFiles.Located in
            let located = try files.resolve(request.uri.queryParameters.get("path")).get()
            let principal = access.principal(request)
            if let refusal = await host.read({ access.sandboxRefusal(located, principal: principal, agent: $0) }) {
                throw refusal
            }
            return located
        }
        for path in ["/files/browse", "/files/browse.json"] {
            router.get(RouterPath(path)) { request, _ in try files.browse(try await sandbox(request)) }
        }
        for path in ["/files/read", "/files/read.json"] {
            router.get(RouterPath(path)) { request, _ in try files.read(try await sandbox(request), request) }
        }
        router.get("/files/download") { request, _ in try files.download(try await sandbox(request)) }
        router.post("/api/v1") { request, _ in
            try await AgentOperator(host: host, access: access, requestBytesMax: requestBytesMax).handle(request)
        }
        return router
    }
}
