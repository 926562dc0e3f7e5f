import KeeperClient
import KeeperProtocol
import KeeperTestSupport
import Testing

@Suite(
    "Watches against a server", .enabled(if: TestServers.available, Comment(rawValue: TestServers.unavailableReason)))
struct WatchTests {
    @Test("exists on a missing node watches for its creation")
    func existsWatch() async throws {
        try await withClient { client in
            let (stat, watch) = try await client.existsAndWatch("/a")
            #expect(stat == nil)
            try await client.create("/a")
            let event = try await withTimeout { try await watch.event() }
            #expect(event == WatchedEvent(type: .nodeCreated, path: "/a"))
        }
    }

    @Test("getData watches fire once on change and on deletion")
    func dataWatch() async throws {
        try await withClient { client in
            try await client.create("/a", data: bytes("1"))
            let (data, _, watch) = try await client.getDataAndWatch("/a")
            #expect(data == bytes("1"))
            try await client.setData("/a", data: bytes("2"))
            try await client.setData("/a", data: bytes("3"))
            #expect(try await withTimeout { try await watch.event() }.type == .nodeDataChanged)
            let (_, _, again) = try await client.getDataAndWatch("/a")
            try await client.delete("/a")
            #expect(try await withTimeout { try await again.event() } == WatchedEvent(type: .nodeDeleted, path: "/a"))
        }
    }

    @Test("getChildren watches fire on a new child")
    func childWatch() async throws {
        try await withClient { client in
            try await client.create("/p")
            let (children, stat, watch) = try await client.getChildrenAndWatch("/p")
            #expect(children.isEmpty)
            #expect(stat.numChildren == 0)
            try await client.create("/p/c")
            #expect(
                try await withTimeout { try await watch.event() }
                    == WatchedEvent(type: .nodeChildrenChanged, path: "/p"))
        }
    }

    @Test("a persistent watch sees every event at its path until removed")
    func persistent() async throws {
        try await withClient { client in
            try await client.create("/a")
            let stream = try await client.addWatch("/a", mode: .persistent)
            try await client.setData("/a", data: [1])
            try await client.setData("/a", data: [2])
            try await client.create("/a/child")
            try await client.delete("/a/child")
            try await client.removeWatches("/a", type: .any)
            let events = try await withTimeout { try await stream.collect() }
            #expect(
                events.map(\.type) == [.nodeDataChanged, .nodeDataChanged, .nodeChildrenChanged, .nodeChildrenChanged])
            await #expect(throws: KeeperError(.noWatcher, path: "/a")) { try await client.checkWatches("/a") }
        }
    }

    @Test("a recursive watch sees events below its path but no child-list changes")
    func recursive() async throws {
        try await withClient { client in
            try await client.create("/r")
            let stream = try await client.addWatch("/r", mode: .persistentRecursive)
            try await client.create("/r/a")
            try await client.create("/r/a/b", data: [1])
            try await client.setData("/r/a/b", data: [2])
            try await client.delete("/r/a/b")
            try await client.removeWatches("/r")
            let events = try await withTimeout { try await stream.collect() }
            #expect(
                events == [
                    WatchedEvent(type: .nodeCreated, path: "/r/a"), WatchedEvent(type: .nodeCreated, path: "/r/a/b"),
                    WatchedEvent(type: .nodeDataChanged, path: "/r/a/b"),
                    WatchedEvent(type: .nodeDeleted, path: "/r/a/b"),
                ])
        }
    }

    @Test("removeWatches hands one-shot watches a removal event; checkWatches tells what is set")
    func removal() async throws {
        try await withClient { client in
            try await client.create("/a")
            let (_, _, data) = try await client.getDataAndWatch("/a")
            let (_, _, children) = try await client.getChildrenAndWatch("/a")
            try await client.checkWatches("/a", type: .data)
            try await client.removeWatches("/a", type: .data)
            #expect(try await withTimeout { try await data.event() }.type == .dataWatchRemoved)
            try await client.checkWatches("/a", type: .children)
            try await client.removeWatches("/a", type: .children)
            #expect(try await withTimeout { try await children.event() }.type == .childWatchRemoved)
            await #expect(throws: KeeperError(.noWatcher, path: "/a")) { try await client.removeWatches("/a") }
        }
    }

    @Test("a consumer that stops iterating removes its persistent watch from the server")
    func consumerGone() async throws {
        try await withClient { client in
            try await client.create("/a")
            let stream = try await client.addWatch("/a")
            let consumer = Task { for try await _ in stream {} }
            try await client.checkWatches("/a")
            consumer.cancel()
            _ = await consumer.result
            try await withTimeout {
                while await keeperError({ try await client.checkWatches("/a") })?.code != .noWatcher {
                    try await Task.sleep(for: .milliseconds(20))
                }
            }
        }
    }

    @Test("a persistent watch whose consumer falls watchEventsBufferedMax behind ends with an overflow")
    func overflow() async throws {
        try await TestServers.withTestRoot { hosts, root in
            var configuration = TestServers.testConfiguration()
            configuration.watchEventsBufferedMax = 2
            let client = try await KeeperClient.connect(hosts + root, configuration: configuration)
            try await client.create("/a")
            let stream = try await client.addWatch("/a")
            for n in 0..<4 { try await client.setData("/a", data: [UInt8(n)]) }
            var received = 0
            await #expect(throws: KeeperClientError.watchEventsOverflow(path: "/a", limit: 2)) {
                for try await _ in stream { received += 1 }
            }
            #expect(received == 2)
            await client.close()
        }
    }

    @Test("closing the client ends its watches")
    func closeEndsWatches() async throws {
        try await withClient { client in
            let (_, watch) = try await client.existsAndWatch("/never")
            let stream = try await client.addWatch("/never")
            await client.close()
            await #expect(throws: KeeperClientError.closed) { try await watch.event() }
            #expect(try await stream.collect().isEmpty)
        }
    }
}

extension AsyncSequence where Element == WatchedEvent {
    /// Every event until the sequence ends.
    func collect() async throws -> [WatchedEvent] {
        var events: [WatchedEvent] = []
        for try await event in self { events.append(event) }
        return events
    }
}
