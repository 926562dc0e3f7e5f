import KeeperClient
import KeeperProtocol
import KeeperTestSupport
import Testing

@Suite(
    "Authentication against a server",
    .enabled(if: TestServers.available, Comment(rawValue: TestServers.unavailableReason)))
struct AuthTests {
    @Test("digest auth opens a digest ACL; whoAmI shows the identity")
    func digest() async throws {
        try await withClient { client in
            try await client.create(
                "/secret", data: bytes("s"), acl: [.digest(user: "alice", password: "pw", perms: .all)])
            #expect(await keeperError { _ = try await client.getData("/secret") }?.code == .noAuth)
            try await client.addAuth(.digest(user: "alice", password: "pw"))
            #expect(try await client.getData("/secret").data == bytes("s"))
            let identities = try await client.whoAmI()
            #expect(identities.contains(ClientInfo(authScheme: "digest", user: "alice")))
        }
    }

    @Test("auth from the configuration is sent before the first request")
    func configuredAuth() async throws {
        try await withClient { client in
            try await client.create("/secret", acl: [.digest(user: "bob", password: "pw", perms: .all)])
            var configuration = TestServers.testConfiguration()
            configuration.authentication = [.digest(user: "bob", password: "pw")]
            let bob = try await KeeperClient.connect(client.connectString.description, configuration: configuration)
            defer { Task { await bob.close() } }
            #expect(try await bob.exists("/secret") != nil)
            _ = try await bob.getData("/secret")
            await bob.close()
        }
    }

    @Test("the creator's ACL (auth scheme) expands to the caller's identity")
    func creatorACL() async throws {
        try await withClient { client in
            try await client.addAuth(.digest(user: "carol", password: "pw"))
            try await client.create("/mine", acl: ACL.creatorAll)
            let (acl, _) = try await client.getACL("/mine")
            #expect(acl == [.digest(user: "carol", password: "pw", perms: .all)])
        }
    }

    @Test("an auth packet the server refuses ends the session with authFailed")
    func refused() async throws {
        try await withClient { client in
            let events = await client.sessionEvents()
            await #expect(throws: KeeperError(.authFailed)) {
                try await client.addAuth(scheme: "no-such-scheme", credentials: bytes("x"))
            }
            var iterator = events.makeAsyncIterator()
            #expect(await iterator.next() == .authFailed)
            #expect(await client.state() == .authFailed)
            #expect(await keeperError { _ = try await client.exists("/") }?.code == .authFailed)
        }
    }
}
