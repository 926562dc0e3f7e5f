import ClusterProtocol
import HTTPTypes
import Hummingbird

/// Who a request comes from and whether a daemon's `--acls` let it do an action: the
/// principal its HTTP Basic credentials prove (checked whenever they are presented), and
/// a 403 that names the principal, the action and the flag. Masters and agents share it.
public struct RequestAuthorizer: Sendable {
    public let acls: MesosACLs
    /// The daemon whose flag a refusal names: "master" or "agent".
    private let daemon: String
    private let basic: BasicAuthentication?

    /// `credentials`: the daemon's `--credentials`, nil when it has none (every request is
    /// then anonymous).
    public init(credentials: [Credential]?, acls: MesosACLs, daemon: String) {
        self.acls = acls
        self.daemon = daemon
        basic = credentials.map { BasicAuthentication($0) }
    }

    /// What the request's credentials prove.
    public func check(_ request: Request) -> BasicAuthentication.Outcome {
        basic?.check(authorization: request.headers[.authorization]) ?? .missing
    }

    /// The principal the request's credentials prove, or nil (none, or not proven).
    public func principal(_ request: Request) -> String? {
        guard case .authenticated(let principal) = check(request) else { return nil }
        return principal
    }

    /// 403 unless the request's principal may do `action` on `object`.
    public func refusal(_ action: MesosACLs.Action, _ request: Request, object: String?) -> Response? {
        refusalMessage(action, principal: principal(request), object: object).map { HTTPReplies.text(.forbidden, $0) }
    }

    /// Why `principal` may not do `action` on `object`, or nil if it may.
    public func refusalMessage(_ action: MesosACLs.Action, principal: String?, object: String?) -> String? {
        guard !acls.allows(action, principal: principal, object: object) else { return nil }
        let who = principal.map { "Principal '\($0)'" } ?? "An anonymous request"
        let verb = action.rawValue.replacingOccurrences(of: "_", with: " ")
        return
            "\(who) is not authorized to \(verb) \(object.map { "'\($0)'" } ?? "") (the \(daemon)'s --acls: \(action.rawValue))"
    }
}
