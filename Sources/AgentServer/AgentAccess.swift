import AgentCore
import ClusterEdge
import ClusterProtocol
import HTTPTypes
import Hummingbird

/// Who a request to the agent comes from and what the agent's `--acls` let it do, as
/// Mesos' agent enforces them on what it serves: `/state` and the operator API's views
/// filtered by view_frameworks, view_executors and view_tasks; GET_CONTAINERS by
/// view_containers; the sandbox files by access_sandboxes (the user the executor runs as);
/// `/metrics` by get_endpoints. The masters' actions in the same file are theirs.
struct AgentAccess: Sendable {
    let authorizer: RequestAuthorizer

    init(authentication: AgentAuthentication?, acls: MesosACLs) {
        authorizer = RequestAuthorizer(credentials: authentication?.credentials, acls: acls, daemon: "agent")
    }

    var acls: MesosACLs { authorizer.acls }

    /// The principal the request's credentials prove, or nil.
    func principal(_ request: Request) -> String? { authorizer.principal(request) }

    /// The paths get_endpoints decides on an agent: of Mesos' list, the agent serves only
    /// its metrics, here `/metrics`.
    static func decidedByGetEndpoints(_ path: String) -> Bool { path == "/metrics" }

    /// 403 unless the principal may read the sandbox `located` lies in: access_sandboxes
    /// on the user its executor runs as (unknown for an executor the agent no longer
    /// holds, which only ANY rules match).
    func sandboxRefusal(_ located: SandboxFiles.Located, principal: String?, agent: Agent) -> HTTPError? {
        let run = agent.executorRun(framework: located.framework, executor: located.executor)
        let user = run.flatMap { agent.user(of: $0) }
        return authorizer.refusalMessage(.accessSandboxes, principal: principal, object: user).map {
            HTTPError(.forbidden, message: $0)
        }
    }
}

/// 403 for a GET of a path get_endpoints decides when the principal may not read it.
struct GetEndpointsMiddleware: RouterMiddleware {
    typealias Context = BasicRequestContext

    let access: AgentAccess

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        let path = BasicAuthenticationMiddleware.canonical(request.uri.path)
        if request.method == .get || request.method == .head, AgentAccess.decidedByGetEndpoints(path),
            let refusal = access.authorizer.refusal(.getEndpoints, request, object: path)
        {
            return refusal
        }
        return try await next(request, context)
    }
}
