import AgentServer
import ClusterEdge
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

/// The agent's own endpoints behind `--authenticate-http-readonly` and
/// `--authenticate-http-readwrite`.
@Suite("who must authenticate to an agent")
struct AgentAuthenticationTests {
    static let ops = Credential(principal: "ops", secret: "ops-secret")

    static func policy(readonly: Bool, readwrite: Bool) -> AgentAuthentication {
        var policy = AgentAuthentication(credentials: [ops])
        policy.readonly = readonly
        policy.readwrite = readwrite
        return policy
    }

    @Test("each flag covers its endpoints; health, version and the executor API are open")
    func realms() {
        let both = Self.policy(readonly: true, readwrite: true)
        for path in [
            "/state", "/state.json", "/slave(1)/state", "/files/read", "/files/browse", "/metrics", "/metrics/snapshot",
        ] {
            #expect(both.requires(path, .get), "\(path)")
        }
        #expect(both.requires("/api/v1", .post))
        for path in ["/health", "/slave(1)/health", "/version", "/api/v1/executor"] {
            #expect(!both.requires(path, .get), "\(path)")
        }
        let readwrite = Self.policy(readonly: false, readwrite: true)
        #expect(!readwrite.requires("/state", .get))
        #expect(readwrite.requires("/api/v1", .post))
        let readonly = Self.policy(readonly: true, readwrite: false)
        #expect(!readonly.requires("/api/v1", .post))
    }

    @Test("a request without credentials, or with wrong ones, is 401 with a challenge, whatever the path's spelling")
    func middleware() async throws {
        let policy = Self.policy(readonly: true, readwrite: true)
        let router = Router()
        router.add(middleware: BasicAuthenticationMiddleware(policy.credentials, requires: policy.requires))
        router.get("/state") { _, _ in "state" }
        router.get("/health") { _, _ in "ok" }
        router.post("/api/v1") { _, _ in "operator" }
        try await Application(router: router).test(.router) { client in
            for path in ["/state", "//state", "/state/"] {
                try await client.execute(uri: path, method: .get) { response in
                    #expect(response.status == .unauthorized, "\(path)")
                    #expect(response.headers[.wwwAuthenticate] == #"Basic realm="mesos""#)
                }
            }
            try await client.execute(uri: "//api/v1", method: .post) { #expect($0.status == .unauthorized) }
            try await client.execute(
                uri: "/state", method: .get,
                headers: [.authorization: Credential(principal: "ops", secret: "no").authorization]
            ) { #expect($0.status == .unauthorized) }
            try await client.execute(uri: "/state", method: .get, headers: [.authorization: Self.ops.authorization]) {
                #expect($0.status == .ok)
            }
            try await client.execute(uri: "/health", method: .get) { #expect($0.status == .ok) }
        }
    }
}
