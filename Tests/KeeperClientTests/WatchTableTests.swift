import KeeperProtocol
import Testing

@testable import KeeperClient

@Suite("Watch bookkeeping")
struct WatchTableTests {
    func id(_ n: UInt64) -> WatcherID { WatcherID(rawValue: n) }

    @Test("data changes reach data and exist watchers once, and persistent watchers every time")
    func dataEvents() {
        var table = WatchTable()
        table.add(id(1), .data, path: "/a")
        table.add(id(2), .exist, path: "/a")
        table.add(id(3), .persistent, path: "/a")
        table.add(id(4), .child, path: "/a")
        #expect(table.trigger(.nodeDataChanged, path: "/a") == [id(1), id(2), id(3)])
        #expect(table.trigger(.nodeDataChanged, path: "/a") == [id(3)])
        #expect(table.count == 2)
    }

    @Test("child changes reach child watchers and persistent watchers at the path, never recursive ones")
    func childEvents() {
        var table = WatchTable()
        table.add(id(1), .child, path: "/a")
        table.add(id(2), .persistent, path: "/a")
        table.add(id(3), .persistentRecursive, path: "/")
        table.add(id(4), .data, path: "/a")
        #expect(table.trigger(.nodeChildrenChanged, path: "/a") == [id(1), id(2)])
    }

    @Test("deletion reaches data, exist and child watchers, persistent and recursive ancestors")
    func deletion() {
        var table = WatchTable()
        table.add(id(1), .data, path: "/a/b")
        table.add(id(2), .child, path: "/a/b")
        table.add(id(3), .persistentRecursive, path: "/a")
        table.add(id(4), .persistentRecursive, path: "/")
        table.add(id(5), .persistent, path: "/a")
        #expect(table.trigger(.nodeDeleted, path: "/a/b") == [id(1), id(2), id(3), id(4)])
        #expect(table.count == 3)
    }

    @Test("removeWatches types: data takes data and exist watches, any takes everything")
    func removal() {
        var table = WatchTable()
        table.add(id(1), .data, path: "/a")
        table.add(id(2), .exist, path: "/a")
        table.add(id(3), .child, path: "/a")
        table.add(id(4), .persistent, path: "/a")
        #expect(table.removeAll(at: "/a", .data).map(\.id) == [id(1), id(2)])
        #expect(table.hasWatchers(at: "/a"))
        #expect(table.removeAll(at: "/a", .any).map(\.id) == [id(3), id(4)])
        #expect(!table.hasWatchers(at: "/a"))
    }

    @Test("SetWatches lists every watched path by kind, v2 only with persistent watches")
    func setWatches() {
        var table = WatchTable()
        table.add(id(1), .data, path: "/d")
        table.add(id(2), .exist, path: "/e")
        table.add(id(3), .child, path: "/c")
        #expect(
            table.setWatches(relativeZxid: 9, batchBytesMax: 1 << 20) == [
                SetWatches(
                    relativeZxid: 9, dataWatches: ["/d"], existWatches: ["/e"], childWatches: ["/c"], isVersion2: false)
            ])
        table.add(id(4), .persistentRecursive, path: "/r")
        let batches = table.setWatches(relativeZxid: 9, batchBytesMax: 1 << 20)
        #expect(batches.count == 1)
        #expect(batches[0].isVersion2)
        #expect(batches[0].persistentRecursiveWatches == ["/r"])
    }

    @Test("SetWatches is cut into batches of at most setWatchesBatchBytesMax path bytes")
    func setWatchesBatches() {
        var table = WatchTable()
        for n in 0..<10 { table.add(id(UInt64(n)), .data, path: "/node\(n)") }
        // Each path costs 6 bytes plus a 4-byte length.
        let batches = table.setWatches(relativeZxid: 1, batchBytesMax: 30)
        #expect(batches.count == 4)
        #expect(batches.map(\.dataWatches.count) == [3, 3, 3, 1])
        #expect(Set(batches.flatMap(\.dataWatches)).count == 10)
    }
}
