import ClusterEdge
import HTTPTypes
import Hummingbird

/// Who must authenticate to the master, as Mesos' flags say: `--credentials` and
/// `--authenticate-frameworks` (the scheduler API), `--authenticate-agents` (the agents'
/// registration and calls), `--authenticate-http-readwrite` (the operator API) and
/// `--authenticate-http-readonly` (state, metrics, the web UI and its Keeper views). Health
/// checks and `/version` are always open, as in Mesos.
public struct MasterAuthentication: Sendable {
    public var credentials: [Credential]
    public var frameworks = false
    public var agents = false
    public var readonly = false
    public var readwrite = false

    public init(credentials: [Credential]) {
        self.credentials = credentials
    }

    /// What a request's path is, for authentication.
    enum Realm: Equatable {
        case open, frameworks, agents, readonly, readwrite
    }

    /// The path as the router matches it: empty segments dropped (`//api/v1/` is
    /// `/api/v1`), so that no spelling of a path reaches a handler in another realm.
    static func canonical(_ path: String) -> String {
        "/" + path.split(separator: "/", omittingEmptySubsequences: true).joined(separator: "/")
    }

    static func realm(of rawPath: String, method: HTTPRequest.Method = .get) -> Realm {
        let path = canonical(rawPath)
        if path == "/corral/v1/keeper/znode", method != .get, method != .head { return .readwrite }
        return switch path {
        case "/health", "/master/health", "/version", "/redirect", "/master/redirect": .open
        case "/api/v1/scheduler": .frameworks
        case "/corral/v1/agent": .agents
        case "/api/v1", "/api/v1/operator": .readwrite
        default: .readonly
        }
    }

    func required(_ realm: Realm) -> Bool {
        switch realm {
        case .open: false
        case .frameworks: frameworks
        case .agents: agents
        case .readonly: readonly
        case .readwrite: readwrite
        }
    }
}
