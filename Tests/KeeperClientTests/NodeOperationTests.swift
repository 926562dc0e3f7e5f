import KeeperClient
import KeeperProtocol
import KeeperTestSupport
import Testing

@Suite("Node operations against a server", .enabled(if: TestServers.available, Comment(rawValue: TestServers.unavailableReason)))
struct NodeOperationTests {
    @Test("create, read, update and delete a znode")
    func crud() async throws {
        try await TestServers.withTestRoot { hosts, root in
            let client = try await KeeperClient.connect(hosts + root, configuration: TestServers.testConfiguration())
            defer { Task { await client.close() } }
            let created = try await client.create("/a", data: Array("hello".utf8))
            #expect(created == "/a")
            let (data, stat) = try await client.getData("/a")
            #expect(data == Array("hello".utf8))
            #expect(stat.version == 0)
            let updated = try await client.setData("/a", data: Array("world".utf8), version: 0)
            #expect(updated.version == 1)
            #expect(try await client.getChildren("/") == ["a"])
            try await client.delete("/a", version: 1)
            #expect(try await client.exists("/a") == nil)
            await client.close()
        }
    }
}
