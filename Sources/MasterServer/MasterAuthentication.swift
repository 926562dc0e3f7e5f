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

    static func realm(of rawPath: String, method: HTTPRequest.Method = .get) -> Realm {
        let path = BasicAuthenticationMiddleware.canonical(rawPath)
        if path == "/corral/v1/keeper/znode", method != .get, method != .head { return .readwrite }
        return switch path {
        case "/health", "/master/health", "/version", "/redirect", "/master/redirect": .open
        case "/api/v1/scheduler": .frameworks
        case "/corral/v1/agent": .agents
        case "/api/v1", "/api/v1/operator": .readwrite
        default: .readonly
        }
    }

    /// The reads `get_endpoints` decides, as in Mesos (its metrics, `/files/debug`,
    /// `/logging/toggle`, `/containers`, `/monitor/statistics`), with Corral's Prometheus
    /// metrics and the web UI's Keeper views. The state endpoints are decided by the view
    /// ACLs instead, and the UI's own files are open to any principal the realm lets in.
    static func decidedByGetEndpoints(_ path: String) -> Bool {
        getEndpointsPaths.contains(path) || path.hasPrefix("/corral/v1/keeper/") || path == "/corral/v1/masters"
    }

    private static let getEndpointsPaths: Set = [
        "/metrics", "/metrics/snapshot", "/files/debug", "/logging/toggle", "/containers", "/monitor/statistics",
    ]

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
