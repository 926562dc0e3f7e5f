import KeeperClient
import KeeperProtocol
import KeeperTestSupport
import NIOConcurrencyHelpers
import Testing

@Suite(
    "Recipes against a server", .enabled(if: TestServers.available, Comment(rawValue: TestServers.unavailableReason)))
struct RecipeTests {
    /// `count` more clients on the same subtree as `client`.
    func peers(of client: KeeperClient, _ count: Int) async throws -> [KeeperClient] {
        var clients: [KeeperClient] = []
        for _ in 0..<count { clients.append(try await otherClient(of: client)) }
        return clients
    }

    /// Waits until `path` has `count` children (contenders queue asynchronously).
    func waitForChildren(_ client: KeeperClient, _ path: String, _ count: Int) async throws {
        try await withTimeout {
            while (try? await client.getChildren(path).count) ?? 0 < count {
                try await Task.sleep(for: .milliseconds(20))
            }
        }
    }

    @Test("ensurePath creates missing parents and leaves existing nodes alone")
    func ensurePath() async throws {
        try await withClient { client in
            try await client.create("/a", data: bytes("keep"))
            try await client.ensurePath("/a/b/c")
            try await client.ensurePath("/a/b/c")
            #expect(try await client.exists("/a/b/c") != nil)
            #expect(try await client.getData("/a").data == bytes("keep"))
            try await client.deleteRecursively("/a")
            #expect(try await client.exists("/a") == nil)
        }
    }

    @Test("the first candidate leads; on resignation the next one does, the third keeps waiting")
    func election() async throws {
        try await withClient { client in
            let others = try await peers(of: client, 2)
            let elections = ([client] + others).map {
                LeaderElection(client: $0, path: "/election", prefix: "json.info_")
            }
            let first = try await elections[0].lead(data: bytes("one"))
            #expect(first.node == "/election/json.info_0000000000")
            let second = Task { try await elections[1].lead(data: bytes("two")) }
            try await waitForChildren(client, "/election", 2)
            let third = Task { try await elections[2].lead(data: bytes("three")) }
            try await waitForChildren(client, "/election", 3)
            #expect(try await elections[2].leader()?.data == bytes("one"))

            try await first.resign()
            let secondLeads = try await withTimeout { try await second.value }
            #expect(secondLeads.node == "/election/json.info_0000000001")
            #expect(try await elections[0].leader()?.data == bytes("two"))

            // The third candidate withdraws when its wait is cancelled.
            third.cancel()
            await #expect(throws: CancellationError.self) { _ = try await third.value }
            #expect(try await client.getChildren("/election") == ["json.info_0000000001"])
            for other in others { await other.close() }
        }
    }

    @Test("a leader whose session closes is succeeded, and followers see the change")
    func leaderSessionEnds() async throws {
        try await withClient { client in
            let leaderClient = try await otherClient(of: client)
            let leadership = try await LeaderElection(client: leaderClient, path: "/e").lead(data: bytes("L"))
            let follower = LeaderElection(client: client, path: "/e")
            var leaders = follower.leaders().makeAsyncIterator()
            #expect(try await leaders.next()??.data == bytes("L"))
            let successor = Task { try await follower.lead(data: bytes("F")) }
            let lost = Task { await leadership.lost() }
            await leaderClient.close()
            await lost.value
            #expect(try await withTimeout { try await successor.value }.node.hasPrefix("/e/n_"))
            #expect(try await leaders.next()??.data == bytes("F"))
        }
    }

    @Test("the lock excludes: read-modify-write under it never loses an update")
    func lock() async throws {
        try await withClient { client in
            let clients = [client] + (try await peers(of: client, 2))
            try await client.create("/counter", data: bytes("0"))
            try await withThrowingTaskGroup(of: Void.self) { group in
                for member in clients {
                    group.addTask {
                        let lock = KeeperLock(client: member, path: "/lock")
                        for _ in 0..<5 {
                            try await lock.withLock {
                                let value = Int(
                                    String(decoding: try await member.getData("/counter").data, as: UTF8.self))!
                                try await member.setData("/counter", data: bytes(String(value + 1)))
                            }
                        }
                    }
                }
                try await group.waitForAll()
            }
            #expect(try await client.getData("/counter").data == bytes("15"))
            #expect(try await client.getChildren("/lock").isEmpty)
            for other in clients.dropFirst() { await other.close() }
        }
    }

    @Test("a cancelled wait for the lock leaves the queue")
    func lockCancel() async throws {
        try await withClient { client in
            let other = try await otherClient(of: client)
            let held = try await KeeperLock(client: client, path: "/lock").acquire()
            let waiting = Task { try await KeeperLock(client: other, path: "/lock").acquire() }
            try await waitForChildren(client, "/lock", 2)
            waiting.cancel()
            _ = await waiting.result
            #expect(try await client.getChildren("/lock") == [PathRules.name(of: held.node)])
            try await held.release()
            await other.close()
        }
    }

    @Test("a registration is re-created when deleted and after its session expires, and removed on cancel")
    func registration() async throws {
        try await TestServers.withTestRoot { hosts, root in
            let proxy = try await TCPProxy.start(upstream: String(hosts.split(separator: ",")[0]))
            var configuration = TestServers.testConfiguration(sessionTimeout: .seconds(4))
            configuration.reconnectDelayMax = .milliseconds(100)
            let registration = EphemeralRegistration(
                connectString: proxy.hosts + root, configuration: configuration, path: "/agents/a1", data: bytes("me"))
            let log = RegistrationLog()
            let running = Task { try await registration.run { await log.append($0) } }
            let direct = try await KeeperClient.connect(hosts + root, configuration: TestServers.testConfiguration())

            let first = try await log.waitFor(1)
            let firstSession = try #require(await first.client.session())
            #expect(try await direct.getData("/agents/a1").stat.ephemeralOwner == firstSession.id)

            try await direct.delete("/agents/a1")
            let again = try await log.waitFor(2)
            #expect(await again.client.session()?.id == firstSession.id)

            // Expire the session: cut it off, then take it over and close it.
            proxy.refuse(true)
            proxy.cut()
            var thiefConfiguration = TestServers.testConfiguration()
            thiefConfiguration.session = firstSession
            await (try await KeeperClient.connect(hosts, configuration: thiefConfiguration)).close()
            proxy.refuse(false)
            let renewed = try await log.waitFor(3)
            let renewedSession = try #require(await renewed.client.session())
            #expect(renewedSession.id != firstSession.id)
            #expect(try await direct.getData("/agents/a1").stat.ephemeralOwner == renewedSession.id)

            running.cancel()
            try await running.value
            #expect(try await direct.exists("/agents/a1") == nil)
            await direct.close()
            await proxy.stop()
        }
    }
}

extension RecipeTests {
    @Test("a session cut off from every server is lost after the timeout; one that reconnects in time is not")
    func sessionLoss() async throws {
        try await TestServers.withTestRoot { hosts, root in
            let proxy = try await TCPProxy.start(upstream: String(hosts.split(separator: ",")[0]))
            var configuration = TestServers.testConfiguration(sessionTimeout: .seconds(4))
            configuration.reconnectDelayMax = .milliseconds(100)
            let client = try await KeeperClient.connect(proxy.hosts + root, configuration: configuration)
            let lost = NIOLockedValueBox<ContinuousClock.Instant?>(nil)
            let watching = Task {
                await client.waitUntilSessionLost(after: .seconds(1))
                lost.withLockedValue { $0 = .now }
            }
            // Cut off for less than the timeout: still trusted.
            proxy.refuse(true)
            proxy.cut()
            try await Task.sleep(for: .milliseconds(400))
            proxy.refuse(false)
            try await client.waitUntilConnected(timeout: .seconds(5))
            try await Task.sleep(for: .milliseconds(1_200))
            #expect(lost.withLockedValue { $0 } == nil)
            // Cut off for longer: lost about a second later, though the session lives on.
            let cutAt = ContinuousClock.now
            proxy.freeze(true)
            proxy.refuse(true)
            proxy.cut()
            try await withTimeout { await watching.value }
            let after = try #require(lost.withLockedValue { $0 }) - cutAt
            #expect(after >= .milliseconds(900), "lost \(after) after the cut, before the timeout")
            proxy.freeze(false)
            proxy.refuse(false)
            await client.close()
            await proxy.stop()
        }
    }
}

/// What a registration reported, for a test to wait on.
actor RegistrationLog {
    private var entries: [EphemeralRegistration.Registered] = []

    func append(_ registered: EphemeralRegistration.Registered) {
        entries.append(registered)
    }

    /// The `count`th registration, once it happened.
    func waitFor(_ count: Int) async throws -> EphemeralRegistration.Registered {
        try await withTimeout { [self] in
            while await self.entries.count < count { try await Task.sleep(for: .milliseconds(20)) }
            return await self.entries[count - 1]
        }
    }
}
