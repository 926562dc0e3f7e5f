import ClusterProtocol
import KeeperClient
import KeeperTestSupport
import MasterCore
import MasterServer
import Testing

/// The registry kept in a real Keeper server: what one leader writes, the next reads, and a
/// superseded leader can no longer write.
@Suite("Registry store")
struct RegistryStoreTests {
    static func agent(_ id: String, _ host: String = "h") -> Mesos.AgentInfo {
        Mesos.AgentInfo(hostname: host, port: 5051, id: Mesos.AgentID(value: id))
    }

    static func framework(_ id: String, failover: Double = 60) -> Mesos.FrameworkInfo {
        var info = Mesos.FrameworkInfo(user: "u", name: "fw-\(id)")
        info.id = Mesos.FrameworkID(value: id)
        info.failoverTimeout = failover
        return info
    }

    /// A fresh election path and a connected client.
    static func store() async throws -> (RegistryStore, KeeperClient, String) {
        let client = try await KeeperClient.connect(try await InProcessKeeper.shared.hosts())
        let path = "/registry-test-\(UInt64.random(in: 0..<UInt64.max))"
        return (RegistryStore(client: client, electionPath: path), client, path)
    }

    @Test("a new leader reads what the last one wrote")
    func survivesLeaders() async throws {
        let (first, client, path) = try await Self.store()
        defer { Task { await client.close() } }
        var registry = try await first.claim(masterID: "m1")
        #expect(registry == Registry())
        let operations: [RegistryOperation] = [
            .admitAgent(Self.agent("S0")), .admitAgent(Self.agent("S1")), .addFramework(Self.framework("F0")),
            .markUnreachable("S1", at: 42), .addFramework(Self.framework("F1", failover: 0)), .removeFramework("F1"),
        ]
        try await first.write(operations)
        for operation in operations { registry = try registry.applying(operation).get() }

        let second = RegistryStore(client: client, electionPath: path)
        let read = try await second.claim(masterID: "m2")
        #expect(read == registry)
        #expect(read.agents["S1"]?.state == .unreachable)
        #expect(read.agents["S1"]?.since == 42)
        #expect(read.frameworks.keys.sorted() == ["F0"])
    }

    @Test("a leader superseded by a newer claim cannot write; the newer one can")
    func fenced() async throws {
        let (old, client, path) = try await Self.store()
        defer { Task { await client.close() } }
        _ = try await old.claim(masterID: "m1")
        let new = RegistryStore(client: client, electionPath: path)
        _ = try await new.claim(masterID: "m2")
        await #expect(throws: RegistryStoreError.superseded) {
            try await old.write([.admitAgent(Self.agent("S0"))])
        }
        try await new.write([.admitAgent(Self.agent("S9"))])
        let read = try await RegistryStore(client: client, electionPath: path).claim(masterID: "m3")
        #expect(read.agents.keys.sorted() == ["S9"])
    }

    @Test("operations that do not apply, and entries that cannot be written, are refused and write nothing")
    func refused() async throws {
        let (store, client, path) = try await Self.store()
        defer { Task { await client.close() } }
        _ = try await store.claim(masterID: "m1")
        try await store.write([.admitAgent(Self.agent("S0"))])
        await #expect(throws: RegistryStoreError.self) {
            try await store.write([.admitAgent(Self.agent("S1")), .admitAgent(Self.agent("S0"))])
        }
        await #expect(throws: RegistryStoreError.self) {
            try await store.write([.admitAgent(Self.agent("a/b"))])
        }
        let huge = Self.agent("S2", String(repeating: "x", count: RegistryStore.entryBytesMax))
        await #expect(throws: RegistryStoreError.self) { try await store.write([.admitAgent(huge)]) }
        #expect(await store.registry.agents.keys.sorted() == ["S0"])
        let read = try await RegistryStore(client: client, electionPath: path).claim(masterID: "m2")
        #expect(read.agents.keys.sorted() == ["S0"])
    }

    @Test("an entry that does not decode stops the claim with an error naming its znode and what to do")
    func undecodableEntry() async throws {
        let (first, client, path) = try await Self.store()
        defer { Task { await client.close() } }
        _ = try await first.claim(masterID: "m1")
        try await first.write([.admitAgent(Self.agent("S0"))])
        let entry = path + "/registry/agents/S0"
        _ = try await client.setData(entry, data: Array("{not json".utf8))
        let second = RegistryStore(client: client, electionPath: path)
        await #expect {
            _ = try await second.claim(masterID: "m2")
        } throws: { error in
            "\(error)".contains(entry) && "\(error)".contains("zkcli delete")
        }
    }

    @Test("a registry of more entries than one read batch is read whole")
    func manyEntries() async throws {
        let (store, client, path) = try await Self.store()
        defer { Task { await client.close() } }
        var registry = try await store.claim(masterID: "m1")
        for batch in stride(from: 0, to: 250, by: 50) {
            let operations = (batch..<batch + 50).map { RegistryOperation.admitAgent(Self.agent("S\($0)")) }
            try await store.write(operations)
            for operation in operations { registry = try registry.applying(operation).get() }
        }
        let read = try await RegistryStore(client: client, electionPath: path).claim(masterID: "m2")
        #expect(read.agents.count == 250)
        #expect(read == registry)
    }
}
