import CorralTLS
import Foundation
import KeeperClient
import KeeperProtocol
import KeeperServer
import Logging
import Testing

/// The secure client port in process: KeeperClient over TLS with the test certificates
/// of Tests/Fixtures/tls (Tests/Security drives the same with kazoo and Java's client).
@Suite("Keeper's TLS client port")
struct TLSClientPortTests {
    static let fixtures = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Fixtures/tls").path
    static let alice = "CN=alice,O=Corral,C=US"

    static func server(clientAuth: TLSSettings.ClientAuth = .need, maxClientCnxns: Int = 60) async throws
        -> KeeperServer
    {
        var config = KeeperConfig()
        config.maxClientCnxns = maxClientCnxns
        config.tickTime = 500
        config.servesPlaintext = false
        config.secureClientPort = 0
        config.secureClientPortAddress = "127.0.0.1"
        config.clientTLS = TLSSettings(
            keyStore: fixtures + "/server.pem", trustStore: fixtures + "/ca.pem", clientAuth: clientAuth)
        config.x509SuperUser = "CN=admin,O=Corral,C=US"
        var logger = Logger(label: "keeper-under-test")
        logger.logLevel = .critical
        return try await KeeperServer.start(config: config, logger: logger)
    }

    static func client(
        _ server: KeeperServer, as who: String? = "alice", trusting ca: String = "ca.pem",
        timeout: Duration = .seconds(10)
    ) async throws -> KeeperClient {
        var configuration = KeeperClient.Configuration()
        configuration.tls = TLSSettings(keyStore: who.map { fixtures + "/\($0).pem" }, trustStore: fixtures + "/" + ca)
        var logger = Logger(label: "client")
        logger.logLevel = .critical
        configuration.logger = logger
        return try await KeeperClient.connect(
            "127.0.0.1:\(server.securePort!)", configuration: configuration, timeout: timeout)
    }

    @Test("a client certificate is the session's x509 identity, for ACLs and for the super user")
    func x509Identity() async throws {
        let server = try await Self.server()
        let alice = try await Self.client(server)
        #expect(try await alice.whoAmI().contains(ClientInfo(authScheme: "x509", user: Self.alice)))
        try await alice.create("/mine", data: [1], acl: [ACL(perms: .all, id: Id(scheme: "x509", id: Self.alice))])
        let bob = try await Self.client(server, as: "bob")
        await #expect(throws: KeeperError.self) { _ = try await bob.getData("/mine") }
        let admin = try await Self.client(server, as: "admin")
        #expect(try await admin.getData("/mine").data == [1])
        for client in [alice, bob, admin] { await client.close() }
        await server.shutdown()
    }

    @Test("connections still in their TLS handshake count toward maxClientCnxns, and give their place back as they end")
    func handshakesCount() async throws {
        let server = try await Self.server(maxClientCnxns: 2)
        var silent = try (0..<2).map { _ in try RawConnection(port: server.securePort!) }
        #expect(try RawConnection(port: server.securePort!).isClosedByPeer())
        silent.removeAll()
        var alice: KeeperClient?
        for _ in 0..<50 where alice == nil {
            alice = try? await Self.client(server, timeout: .seconds(2))
            if alice == nil { try await Task.sleep(for: .milliseconds(100)) }
        }
        #expect(try await alice?.exists("/") != nil)
        await alice?.close()
        await server.shutdown()
    }

    @Test("no session without a trusted certificate on either side, and the error says it was TLS")
    func refusals() async throws {
        let server = try await Self.server()
        for (who, ca) in [(nil, "ca.pem"), ("expired", "ca.pem"), ("stranger", "ca.pem"), ("alice", "other-ca.pem")] {
            await #expect("\(who ?? "no certificate") trusting \(ca)") {
                _ = try await Self.client(server, as: who, trusting: ca, timeout: .seconds(3))
            } throws: { error in
                guard case .tlsHandshakeFailed = error as? KeeperClientError else { return false }
                return true
            }
        }
        // A client that sends nothing at all is no reason to stop serving.
        let alice = try await Self.client(server)
        #expect(try await alice.exists("/") != nil)
        await alice.close()
        await server.shutdown()
    }

    @Test("with ssl.clientAuth=want a client without a certificate gets a session, with no x509 identity")
    func want() async throws {
        let server = try await Self.server(clientAuth: .want)
        let anonymous = try await Self.client(server, as: nil)
        #expect(try await !anonymous.whoAmI().contains { $0.authScheme == "x509" })
        await anonymous.close()
        await server.shutdown()
    }
}
