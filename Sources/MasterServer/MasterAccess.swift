import ClusterEdge
import ClusterProtocol
import HTTPTypes
import Hummingbird
import MasterCore

/// Who a request comes from and what it may do: the principal its HTTP Basic credentials
/// prove (checked whenever they are presented, required where `MasterAuthentication`
/// says), and the `--acls` the edge enforces (the operator's actions, the views,
/// get_endpoints; the core enforces register_frameworks and run_tasks).
struct MasterAccess: Sendable {
    let authentication: MasterAuthentication?
    private let authorizer: RequestAuthorizer

    init(authentication: MasterAuthentication?, acls: MesosACLs) {
        self.authentication = authentication
        authorizer = RequestAuthorizer(credentials: authentication?.credentials, acls: acls, daemon: "master")
    }

    var acls: MesosACLs { authorizer.acls }

    /// What the request's credentials prove.
    func check(_ request: Request) -> BasicAuthentication.Outcome { authorizer.check(request) }

    /// The principal the request's credentials prove, or nil (none, or not proven).
    func principal(_ request: Request) -> String? { authorizer.principal(request) }

    /// 403 unless the request's principal may do `action` on `object`.
    func refusal(_ action: MesosACLs.Action, _ request: Request, object: String?) -> Response? {
        authorizer.refusal(action, request, object: object)
    }
}

extension MasterAccess {
    /// Why this request may not write znodes from the UI, or nil: writes need
    /// `--authenticate-http-readwrite` (so the principal is known) and the principal must
    /// be allowed the path by `update_znodes`.
    func znodeWriteRefusal(_ request: Request, path: String) -> Response? {
        guard authentication?.readwrite == true, principal(request) != nil else {
            return HTTPReplies.text(
                .forbidden,
                "Keeper writes from the web UI need the master's --authenticate-http-readwrite and a principal's credentials; this master shows Keeper read-only"
            )
        }
        return refusal(.updateZnodes, request, object: path)
    }
}

/// In front of every route: 401 with a Basic challenge where the realm requires
/// credentials and they are missing or wrong; then 403 for a read the principal may not
/// make (get_endpoints, by path).
struct AccessMiddleware: RouterMiddleware {
    typealias Context = BasicRequestContext

    let access: MasterAccess

    init(_ access: MasterAccess) {
        self.access = access
    }

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        let realm = MasterAuthentication.realm(of: request.uri.path, method: request.method)
        if let policy = access.authentication, policy.required(realm),
            let refusal = BasicAuthenticationMiddleware.refusal(access.check(request))
        {
            return refusal
        }
        let path = BasicAuthenticationMiddleware.canonical(request.uri.path)
        if realm == .readonly, request.method == .get || request.method == .head,
            MasterAuthentication.decidedByGetEndpoints(path),
            let refusal = access.refusal(.getEndpoints, request, object: path)
        {
            return refusal
        }
        return try await next(request, context)
    }
}
