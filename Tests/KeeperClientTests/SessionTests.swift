import KeeperClient
import KeeperProtocol
import KeeperTestSupport
import Testing

/// Sessions across broken connections. The network is broken with a `TCPProxy` between
/// the client and the server, so the client runs unchanged: no test hooks.
@Suite(
    "Sessions against a server", .enabled(if: TestServers.available, Comment(rawValue: TestServers.unavailableReason)))
struct SessionTests {
    /// A client reaching the test subtree through `proxies` (in that order), and a direct
    /// client on the same subtree to change things behind its back.
    func withProxiedClient(
        proxies count: Int = 1, sessionTimeout: Duration = .seconds(4),
        _ body: (KeeperClient, KeeperClient, [TCPProxy]) async throws -> Void
    ) async throws {
        try await TestServers.withTestRoot { hosts, root in
            let upstream = String(hosts.split(separator: ",")[0])
            var proxies: [TCPProxy] = []
            for _ in 0..<count { proxies.append(try await TCPProxy.start(upstream: upstream)) }
            var configuration = TestServers.testConfiguration(sessionTimeout: sessionTimeout)
            configuration.reconnectDelayMax = .milliseconds(200)
            let client = try await KeeperClient.connect(
                proxies.map(\.hosts).joined(separator: ",") + root, configuration: configuration)
            let direct = try await KeeperClient.connect(hosts + root, configuration: TestServers.testConfiguration())
            do {
                try await body(client, direct, proxies)
            } catch {
                Issue.record(error)
            }
            await client.close()
            await direct.close()
            for proxy in proxies { await proxy.stop() }
        }
    }

    @Test("connected, then closed; the session's ephemerals go with it")
    func lifecycle() async throws {
        try await withProxiedClient { client, direct, _ in
            let events = await client.sessionEvents()
            try await client.create("/e", mode: .ephemeral)
            #expect(try await direct.exists("/e") != nil)
            await client.close()
            #expect(await events.first { _ in true } == .closed)
            #expect(try await direct.exists("/e") == nil)
            #expect(await client.state() == .closed)
            await #expect(throws: KeeperClientError.closed) { try await client.create("/x") }
        }
    }

    @Test("a cut connection resumes the session; ephemerals survive and missed watch events fire")
    func reconnectKeepsSession() async throws {
        try await withProxiedClient { client, direct, proxies in
            let proxy = proxies[0]
            let session = try #require(await client.session())
            try await client.create("/e", mode: .ephemeral)
            try await client.create("/d", data: bytes("1"))
            try await client.create("/p")
            let (_, _, dataWatch) = try await client.getDataAndWatch("/d")
            let (_, childWatch) = try await client.existsAndWatch("/p/new")
            let persistent = try await client.addWatch("/p", mode: .persistentRecursive)
            var events = await client.sessionEvents().makeAsyncIterator()

            proxy.refuse(true)
            proxy.cut()
            #expect(await events.next() == .suspended)
            try await direct.setData("/d", data: bytes("2"))
            try await direct.create("/p/new")
            proxy.refuse(false)
            #expect(await events.next() == .reconnected(sessionID: session.id))

            #expect(
                try await withTimeout { try await dataWatch.event() }
                    == WatchedEvent(type: .nodeDataChanged, path: "/d"))
            #expect(
                try await withTimeout { try await childWatch.event() }
                    == WatchedEvent(type: .nodeCreated, path: "/p/new"))
            #expect(try await direct.exists("/e")?.ephemeralOwner == session.id)
            // The persistent watch was re-registered. The server sends it no catch-up events,
            // but the exist watch's catch-up NodeCreated reaches it too, as in the Java client.
            try await direct.setData("/p/new", data: [1])
            let next = try await withTimeout { try await Array(persistent.prefix(2).collect()) }
            #expect(
                next == [
                    WatchedEvent(type: .nodeCreated, path: "/p/new"),
                    WatchedEvent(type: .nodeDataChanged, path: "/p/new"),
                ])
        }
    }

    @Test("requests in flight when the connection drops fail with ConnectionLoss")
    func inFlightConnectionLoss() async throws {
        try await withProxiedClient { client, _, proxies in
            let proxy = proxies[0]
            try await client.create("/a")
            proxy.freeze(true)
            let read = Task { try await client.getData("/a") }
            try await Task.sleep(for: .milliseconds(100))
            proxy.cut()
            proxy.freeze(false)
            let error = await keeperError { _ = try await read.value }
            #expect(error == KeeperError(.connectionLoss, path: "/a"))
            try await client.waitUntilConnected(timeout: .seconds(5))
            #expect(try await client.exists("/a") != nil)
        }
    }

    @Test("a silent connection is dropped after 2/3 of the timeout and the session moves to the next host")
    func deadConnectionFailover() async throws {
        // 6 s: the drop is due 4 s after the client last heard the server, which was at most
        // a ping interval (2 s) before the freeze; a loaded test machine may be a second late.
        try await withProxiedClient(proxies: 2, sessionTimeout: .seconds(6)) { client, _, proxies in
            let session = try #require(await client.session())
            try await client.create("/e", mode: .ephemeral)
            var events = await client.sessionEvents().makeAsyncIterator()
            let frozenAt = ContinuousClock.now
            proxies[0].freeze(true)
            #expect(await events.next() == .suspended)
            let detected = ContinuousClock.now - frozenAt
            #expect(detected >= .milliseconds(2_000))
            #expect(detected < .milliseconds(6_000))
            #expect(await events.next() == .reconnected(sessionID: session.id))
            #expect(try await client.exists("/e")?.ephemeralOwner == session.id)
        }
    }

    @Test("an expired session is reported on reconnect; calls and watches fail with SessionExpired")
    func expiry() async throws {
        try await withProxiedClient { client, _, proxies in
            let proxy = proxies[0]
            let session = try #require(await client.session())
            let (_, watch) = try await client.existsAndWatch("/never")
            var events = await client.sessionEvents().makeAsyncIterator()
            proxy.refuse(true)
            proxy.cut()
            #expect(await events.next() == .suspended)
            // Another client takes over the session and closes it: the server ends it at once.
            var configuration = TestServers.testConfiguration()
            configuration.session = session
            let thief = try await KeeperClient.connect(try await TestServers.hosts(), configuration: configuration)
            #expect(await thief.session()?.id == session.id)
            await thief.close()
            proxy.refuse(false)
            #expect(await events.next() == .expired)
            #expect(await events.next() == nil)
            await #expect(throws: KeeperError(.sessionExpired, path: "/x")) { try await client.create("/x") }
            await #expect(throws: KeeperError(.sessionExpired, path: "/never")) { try await watch.event() }
        }
    }

    @Test("a session event stream keeps only the newest sessionEventsBufferedMax events")
    func sessionEventBound() async throws {
        try await TestServers.withTestRoot { hosts, root in
            let proxy = try await TCPProxy.start(upstream: String(hosts.split(separator: ",")[0]))
            var configuration = TestServers.testConfiguration()
            configuration.sessionEventsBufferedMax = 1
            let client = try await KeeperClient.connect(proxy.hosts + root, configuration: configuration)
            let slow = await client.sessionEvents()
            var watcher = await client.sessionEvents().makeAsyncIterator()
            proxy.cut()
            #expect(await watcher.next() == .suspended)
            let session = try #require(await client.session())
            #expect(await watcher.next() == .reconnected(sessionID: session.id))
            await client.close()
            #expect(await Array(slow.prefix(5).collectEvents()) == [.closed])
            await proxy.stop()
        }
    }

    @Test("a reply over packetLengthMax drops the connection: the call fails with ConnectionLoss")
    func oversizeReply() async throws {
        try await withClient { writer in
            try await writer.create("/big", data: Array(repeating: 7, count: 4_000))
            var configuration = TestServers.testConfiguration()
            configuration.packetLengthMax = 1_000
            let reader = try await KeeperClient.connect(writer.connectString.description, configuration: configuration)
            #expect(try await reader.exists("/big")?.dataLength == 4_000)
            await #expect(throws: KeeperError(.connectionLoss, path: "/big")) { _ = try await reader.getData("/big") }
            try await reader.waitUntilConnected(timeout: .seconds(5))
            #expect(try await reader.exists("/big") != nil)
            await reader.close()
        }
    }

    @Test("an unreachable first host is skipped for the next one")
    func skipsUnreachableHost() async throws {
        let hosts = try await TestServers.hosts()
        let dead = try await TCPProxy.start(upstream: hosts)
        let live = try await TCPProxy.start(upstream: hosts)
        dead.refuse(true)
        // A long session, so that each host's share of it (the time a connect may take) holds
        // on a loaded machine (under AddressSanitizer beside the simulations): the refused
        // host is skipped at once whatever the timeout.
        let client = try await KeeperClient.connect(
            "\(dead.hosts),\(live.hosts)", configuration: TestServers.testConfiguration(sessionTimeout: .seconds(30)))
        #expect(try await client.exists("/") != nil)
        await client.close()
        await dead.stop()
        await live.stop()
    }

    @Test("cancelling the wait for a one-shot watch abandons it")
    func abandonWatch() async throws {
        try await withClient { client in
            let (_, watch) = try await client.existsAndWatch("/a")
            let waiting = Task { try await watch.event() }
            try await Task.sleep(for: .milliseconds(50))
            waiting.cancel()
            await #expect(throws: CancellationError.self) { _ = try await waiting.value }
            await #expect(throws: CancellationError.self) { _ = try await watch.event() }
            try await client.create("/a")
            #expect(try await client.exists("/a") != nil)
        }
    }

    @Test("a server that cannot be reached fails connect after the timeout")
    func unreachable() async throws {
        let proxy = try await TCPProxy.start(upstream: try await TestServers.hosts())
        proxy.refuse(true)
        var configuration = TestServers.testConfiguration()
        configuration.reconnectDelayMax = .milliseconds(100)
        await #expect(throws: KeeperError(.connectionLoss)) {
            _ = try await KeeperClient.connect(proxy.hosts, configuration: configuration, timeout: .milliseconds(500))
        }
        await proxy.stop()
    }
}

extension AsyncSequence where Element == SessionEvent, Failure == Never {
    func collectEvents() async -> [SessionEvent] {
        var events: [SessionEvent] = []
        for await event in self { events.append(event) }
        return events
    }
}
