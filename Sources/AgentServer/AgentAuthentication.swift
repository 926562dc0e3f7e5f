import ClusterEdge
import HTTPTypes

/// Who must authenticate to the agent's own endpoints, as Mesos' agent flags say:
/// `--http-credentials` with `--authenticate-http-readonly` (state, metrics, the sandbox
/// files) and `--authenticate-http-readwrite` (the operator API). Health and `/version`
/// are always open; the executor API has its own tokens (`--authenticate-http-executors`).
public struct AgentAuthentication: Sendable {
    public var credentials: [Credential]
    public var readonly = false
    public var readwrite = false

    public init(credentials: [Credential]) {
        self.credentials = credentials
    }

    /// Whether a request for `path` (as the router matches it) needs credentials.
    public func requires(_ path: String, _ method: HTTPRequest.Method) -> Bool {
        switch path {
        case "/health", "/slave(1)/health", "/version", "/api/v1/executor": false
        case "/api/v1": readwrite
        default: readonly
        }
    }
}
