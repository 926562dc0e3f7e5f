import AppsCore
import AppsServer
import ClusterProtocol
import KeeperClient
import KeeperTestSupport
import Testing

/// Apps' state in a real Keeper server: what one leader's scheduler wrote, the next reads
/// back whole, and a replaced leader can no longer write.
@Suite("Apps store")
struct AppsStoreTests {
    static func store() async throws -> (AppsStore, KeeperClient, String, String) {
        let client = try await KeeperClient.connect(try await InProcessKeeper.shared.hosts())
        let path = "/apps-test-\(UInt64.random(in: 0..<UInt64.max))"
        try await client.ensurePath(path)
        let node = try await client.create(path + "/leader", data: [])
        return (AppsStore(client: client, path: path), client, path, node)
    }

    @Test("a new leader reads what the last one's scheduler wrote")
    func survivesLeaders() async throws {
        let (first, client, path, node) = try await Self.store()
        defer { Task { await client.close() } }
        let now: Int64 = 1_700_000_000_000
        #expect(try await first.claim(leaderID: "a", leading: node).apps.isEmpty)
        var scheduler = AppsScheduler(config: AppsConfig(idPrefix: "t1"), now: now)
        var stored: [AppsStoreOperation] = []
        func run(_ input: AppsInput) {
            for case .store(let operation) in scheduler.step(input, now: now).actions { stored.append(operation) }
        }
        run(.subscribed(frameworkID: "fw-1"))
        var update = AppUpdate()
        update.id = "/prod/web"
        update.cmd = "sleep 100"
        update.instances = 2
        update.cpus = 0.1
        run(.request(.create(update)))
        let offer = Mesos.Offer(
            id: "o1", frameworkID: "fw-1", agentID: "a1", hostname: "h1",
            resources: [
                .init(name: "cpus", type: .scalar, scalar: .init(value: 4)),
                .init(name: "mem", type: .scalar, scalar: .init(value: 4096)),
                .init(name: "ports", type: .ranges, ranges: .init(range: [.init(begin: 31000, end: 31010)])),
            ])
        run(.offers([offer]))
        try await first.write(stored)

        let second = AppsStore(client: client, path: path)
        let state = try await second.claim(leaderID: "b", leading: node)
        #expect(state.frameworkID == "fw-1")
        #expect(state.apps == Array(scheduler.apps.values))
        #expect(state.tasks.sorted { $0.id < $1.id } == scheduler.tasks.values.sorted { $0.id < $1.id })
        #expect(state.deployments == Array(scheduler.deployments.values))
        let app = try #require(state.apps.first)
        #expect(await second.versions(of: app.id) == [app.version])
        #expect(try await second.definition(app.id, version: app.version) == app)

        await #expect(throws: AppsStoreError.superseded) { try await first.write([.putFrameworkID("x")]) }
        try await second.write([.removeApp(app.id)])
        let third = try await AppsStore(client: client, path: path).claim(leaderID: "c", leading: node)
        #expect(third.apps.isEmpty && third.tasks.count == 2)
    }

    @Test("a leader whose election node is gone cannot claim")
    func deposedCannotClaim() async throws {
        let (store, client, _, node) = try await Self.store()
        defer { Task { await client.close() } }
        try await client.delete(node)
        await #expect(throws: (any Error).self) { _ = try await store.claim(leaderID: "a", leading: node) }
    }

    @Test(
        "a write larger than one multi may carry (thousands of tasks at once) goes as several, and is read back whole")
    func largeWrites() async throws {
        let (store, client, path, node) = try await Self.store()
        defer { Task { await client.close() } }
        _ = try await store.claim(leaderID: "a", leading: node)
        let tasks = (0..<8000).map { number in
            AppTask(
                id: "big_app.t1-\(number)", appID: AppID("/big/app"), version: 1, configVersion: 1,
                agentID: "agent-\(number % 7)", place: AgentPlace(hostname: "host-\(number % 7).example.org"),
                hostPorts: [31000 + number % 1000], stagedAt: 1_700_000_000_000)
        }
        // About 2 MB: past Keeper's jute.maxbuffer (1 MiB) as one request.
        try await store.write(tasks.map { .putTask($0) })
        let state = try await AppsStore(client: client, path: path).claim(leaderID: "b", leading: node)
        #expect(state.tasks.count == 8000)
    }
}
