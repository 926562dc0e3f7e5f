import ClusterEdge
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Testing

/// The cluster's HTTP over TLS as `LIBPROCESS_SSL_*` sets it, with the certificates of
/// Tests/Fixtures/tls (server.pem names localhost and 127.0.0.1; ca.pem signed it and the
/// client certificates; other-ca.pem signed stranger.pem).
@Suite("HTTPS on the cluster's ports")
struct ClusterHTTPSTests {
    static let fixtures = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Fixtures/tls").path

    static func fixture(_ name: String) -> String { fixtures + "/" + name }

    /// A process's TLS from its environment: the server's certificate and key, the authority.
    static func tls(_ extra: [String: String] = [:], certificate: String = "server.pem") throws -> ClusterTLS {
        var environment = [
            "LIBPROCESS_SSL_ENABLED": "true", "LIBPROCESS_SSL_CERT_FILE": fixture(certificate),
            "LIBPROCESS_SSL_KEY_FILE": fixture(certificate), "LIBPROCESS_SSL_CA_FILE": fixture("ca.pem"),
        ]
        environment.merge(extra) { $1 }
        return try #require(try ClusterTLS.fromEnvironment(environment))
    }

    /// A client that trusts `authority` and presents `certificate` if given.
    static func client(authority: String = "ca.pem", certificate: String? = nil) throws -> HTTPClientTLS {
        var environment = ["LIBPROCESS_SSL_ENABLED": "true", "LIBPROCESS_SSL_CA_FILE": fixture(authority)]
        if let certificate {
            environment["LIBPROCESS_SSL_CERT_FILE"] = fixture(certificate)
            environment["LIBPROCESS_SSL_KEY_FILE"] = fixture(certificate)
        }
        return try #require(try ClusterTLS.fromEnvironment(environment)).client
    }

    /// Runs a server answering `GET /ping` with "pong" on the port `tls` makes.
    static func serving(_ tls: ClusterTLS, _ body: @escaping @Sendable (Int) async throws -> Void) async throws {
        let router = Router()
        router.get("/ping") { _, _ in "pong" }
        let logger = Logger(label: "https-test")
        let app = Application(
            router: router, server: try ClusterHTTPServer.builder(tls: tls, logger: logger),
            configuration: .init(address: .hostname("127.0.0.1", port: 0)), logger: logger)
        try await app.test(.live) { client in try await body(try #require(client.port)) }
    }

    static func ping(port: Int, host: String = "127.0.0.1", tls: HTTPClientTLS?) async throws -> String {
        var request = HTTPRequestSpec(method: "GET", host: host, port: port, target: "/ping")
        request.tls = tls
        let answer = try await HTTPClient.send(request, timeout: .seconds(10))
        return "\(answer.head.status) \(String(decoding: answer.body, as: UTF8.self))"
    }

    @Test("a client trusting the authority gets its answer, by address and by name")
    func trusted() async throws {
        try await Self.serving(try Self.tls()) { (port: Int) async throws in
            let client = try Self.client()
            #expect(try await Self.ping(port: port, tls: client) == "200 pong")
            #expect(try await Self.ping(port: port, host: "localhost", tls: client) == "200 pong")
        }
    }

    @Test("a client that does not trust the authority, or dials a name the certificate lacks, is refused with advice")
    func untrusted() async throws {
        try await Self.serving(try Self.tls()) { (port: Int) async throws in
            await #expect {
                _ = try await Self.ping(port: port, tls: try Self.client(authority: "other-ca.pem"))
            } throws: { error in
                guard case HTTPClientError.tlsFailed = error else { return false }
                return "\(error)".contains("CERTIFICATE_VERIFY_FAILED") && "\(error)".contains("LIBPROCESS_SSL_CA_FILE")
            }
        }
        // alice.pem is signed by the same authority but names neither localhost nor 127.0.0.1.
        try await Self.serving(try Self.tls(certificate: "alice.pem")) { (port: Int) async throws in
            await #expect {
                _ = try await Self.ping(port: port, tls: try Self.client())
            } throws: { error in
                guard case HTTPClientError.tlsFailed = error else { return false }
                return true
            }
        }
    }

    @Test("without SUPPORT_DOWNGRADE a plaintext client gets nothing; with it, both are answered")
    func downgrade() async throws {
        try await Self.serving(try Self.tls()) { (port: Int) async throws in
            await #expect(throws: HTTPClientError.self) { _ = try await Self.ping(port: port, tls: nil) }
        }
        try await Self.serving(try Self.tls(["LIBPROCESS_SSL_SUPPORT_DOWNGRADE": "true"])) { (port: Int) async throws in
            #expect(try await Self.ping(port: port, tls: nil) == "200 pong")
            #expect(try await Self.ping(port: port, tls: try Self.client()) == "200 pong")
        }
    }

    @Test("REQUIRE_CLIENT_CERT refuses a client without a certificate of the authority")
    func clientCertificates() async throws {
        try await Self.serving(try Self.tls(["LIBPROCESS_SSL_REQUIRE_CLIENT_CERT": "true"])) {
            (port: Int) async throws in
            await #expect(throws: HTTPClientError.self) { _ = try await Self.ping(port: port, tls: try Self.client()) }
            await #expect(throws: HTTPClientError.self) {
                _ = try await Self.ping(port: port, tls: try Self.client(certificate: "stranger.pem"))
            }
            #expect(try await Self.ping(port: port, tls: try Self.client(certificate: "alice.pem")) == "200 pong")
        }
    }

    @Test("a keep-alive connection speaks TLS too")
    func keepAlive() async throws {
        try await Self.serving(try Self.tls()) { (port: Int) async throws in
            let connection = HTTPConnection(host: "127.0.0.1", port: port, tls: try Self.client())
            defer { connection.close() }
            for _ in 0..<3 {
                let answer = try await connection.send(method: "GET", target: "/ping")
                #expect(answer.head.status == 200)
            }
        }
    }
}
