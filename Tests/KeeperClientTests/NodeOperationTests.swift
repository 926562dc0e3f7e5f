import KeeperClient
import KeeperProtocol
import KeeperTestSupport
import Testing

@Suite(
    "Node operations against a server",
    .enabled(if: TestServers.available, Comment(rawValue: TestServers.unavailableReason)))
struct NodeOperationTests {
    @Test("create, read, update and delete a znode")
    func crud() async throws {
        try await withClient { client in
            let created = try await client.create("/a", data: bytes("hello"))
            #expect(created == "/a")
            let (data, stat) = try await client.getData("/a")
            #expect(data == bytes("hello"))
            #expect(stat.version == 0)
            #expect(stat.dataLength == 5)
            let updated = try await client.setData("/a", data: bytes("world"), version: 0)
            #expect(updated.version == 1)
            #expect(try await client.getChildren("/") == ["a"])
            try await client.delete("/a", version: 1)
            #expect(try await client.exists("/a") == nil)
        }
    }

    @Test("create modes: ephemeral, sequential, container, TTL, and create2's stat")
    func createModes() async throws {
        try await withClient { client in
            let session = try #require(await client.session())
            try await client.create("/e", mode: .ephemeral)
            #expect(try await client.exists("/e")?.ephemeralOwner == session.id)
            try await client.create("/s")
            let first = try await client.create("/s/n-", mode: .persistentSequential)
            let second = try await client.create("/s/n-", mode: .ephemeralSequential)
            #expect(first == "/s/n-0000000000")
            #expect(second == "/s/n-0000000001")
            let container = try await client.createReturningStat("/c", data: bytes("x"), mode: .container)
            #expect(container.path == "/c")
            #expect(container.stat.dataLength == 1)
            #expect(container.stat.ephemeralOwner == 0)
            let ttl = try await client.createReturningStat("/ttl", mode: .persistentWithTTL, ttl: .seconds(60))
            #expect(ttl.path == "/ttl")
            let plain = try await client.createReturningStat("/p", data: bytes("abc"))
            #expect(plain.stat.dataLength == 3)
            #expect(plain.stat.czxid == plain.stat.mzxid)
        }
    }

    @Test("errors name the code and the client's path, as zkCli prints them")
    func errors() async throws {
        try await withClient { client in
            let missing = await keeperError { _ = try await client.getData("/nope") }
            #expect(missing == KeeperError(.noNode, path: "/nope"))
            #expect(missing?.description == "Node does not exist: /nope")
            try await client.create("/a")
            try await client.create("/a/b")
            #expect(await keeperError { try await client.create("/a") }?.description == "Node already exists: /a")
            #expect(await keeperError { try await client.delete("/a") }?.description == "Directory not empty: /a")
            #expect(
                await keeperError { try await client.setData("/a", data: [], version: 7) }?.description
                    == "Bad version: /a")
            try await client.create("/eph", mode: .ephemeral)
            #expect(await keeperError { try await client.create("/eph/x") }?.code == .noChildrenForEphemerals)
        }
    }

    @Test("invalid paths are refused before anything is sent")
    func invalidPaths() async throws {
        try await withClient { client in
            for path in ["", "a", "/a/", "/a//b", "/a/./b", "/a/../b", "/a\u{0}"] {
                await #expect(throws: KeeperClientError.self) { try await client.create(path) }
            }
            try await client.create("/q")
            #expect(try await client.create("/q/", mode: .persistentSequential) == "/q/0000000000")
        }
    }

    @Test("children with stat, descendant count, this session's ephemerals, sync")
    func listings() async throws {
        try await withClient { client in
            try await client.create("/a")
            try await client.create("/a/b")
            try await client.create("/a/b/c", mode: .ephemeral)
            try await client.create("/a/d", mode: .ephemeral)
            let (children, stat) = try await client.getChildrenWithStat("/a")
            #expect(Set(children) == ["b", "d"])
            #expect(stat.numChildren == 2)
            #expect(try await client.getAllChildrenNumber("/a") == 3)
            #expect(Set(try await client.getEphemerals(prefix: "/a")) == ["/a/b/c", "/a/d"])
            #expect(Set(try await client.getEphemerals()) == ["/a/b/c", "/a/d"])
            try await client.sync("/a")
        }
    }

    @Test("ACLs: read, replace with a version check, and enforce")
    func acls() async throws {
        try await withClient { client in
            try await client.create("/a")
            let (acl, stat) = try await client.getACL("/a")
            #expect(acl == ACL.openUnsafe)
            #expect(stat.aversion == 0)
            let changed = try await client.setACL("/a", acl: ACL.readUnsafe, version: 0)
            #expect(changed.aversion == 1)
            #expect(
                await keeperError { try await client.setData("/a", data: [1]) }?.description
                    == "Insufficient permission: /a")
            #expect(await keeperError { try await client.setACL("/a", acl: ACL.openUnsafe, version: 0) } != nil)
        }
    }

    @Test("a request above packetLengthMax fails locally and the session carries on")
    func oversizeRequest() async throws {
        try await withClient { client in
            try await client.create("/a")
            let error = await #expect(throws: KeeperClientError.self) {
                try await client.setData("/a", data: Array(repeating: 1, count: 1_048_576))
            }
            guard case .packetTooLarge(let length, let limit) = error else {
                Issue.record("not packetTooLarge: \(String(describing: error))")
                return
            }
            #expect(length > 1_048_576)
            #expect(limit == Frame.maxBufferDefault)
            #expect(try await client.exists("/a") != nil)
        }
    }
}
