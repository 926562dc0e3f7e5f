import KeeperClient
import KeeperProtocol
import KeeperTestSupport
import Testing

@Suite(
    "Transactions against a server",
    .enabled(if: TestServers.available, Comment(rawValue: TestServers.unavailableReason)))
struct MultiTests {
    @Test("multi applies every op")
    func success() async throws {
        try await withClient { client in
            try await client.create("/old", data: bytes("1"))
            let results = try await client.multi([
                .create("/a", data: bytes("a")),
                .create("/a/seq-", mode: .persistentSequential),
                .check("/old", version: 0),
                .setData("/old", data: bytes("2"), version: 0),
                .delete("/old", version: 1),
            ])
            #expect(results.count == 5)
            #expect(results[0] == .create(path: "/a"))
            #expect(results[1] == .create(path: "/a/seq-0000000000"))
            #expect(results[2] == .check)
            #expect(results[4] == .delete)
            #expect(try await client.exists("/old") == nil)
            #expect(try await client.getData("/a").data == bytes("a"))
        }
    }

    @Test("a failing multi changes nothing and reports every op's result")
    func failure() async throws {
        try await withClient { client in
            try await client.create("/x")
            let error = await keeperError {
                try await client.multi([
                    .create("/new"),
                    .setData("/x", data: [], version: 5),
                    .delete("/x"),
                ])
            }
            #expect(error?.code == .badVersion)
            #expect(error?.path == "/x")
            #expect(error?.failedOpIndex == 1)
            #expect(error?.results == [.error(.ok), .error(.badVersion), .error(.runtimeInconsistency)])
            #expect(try await client.exists("/new") == nil)
        }
    }

    @Test("multiRead returns each read's value or its own error")
    func multiRead() async throws {
        try await withClient { client in
            try await client.create("/a", data: bytes("v"))
            try await client.create("/a/b")
            let results = try await client.multiRead([.getData("/a"), .getChildren("/a"), .getData("/missing")])
            guard case .getData(let data, _) = results[0] else {
                Issue.record("not data: \(results[0])")
                return
            }
            #expect(data == bytes("v"))
            #expect(results[1] == .getChildren(["b"]))
            #expect(results[2] == .error(.noNode))
        }
    }
}
