import KeeperProtocol
import Testing

@testable import KeeperCore

@Suite("watch registry")
struct WatchRegistryTests {
    @Test("a one-shot data watch fires once on NodeDataChanged and is consumed")
    func dataOneShot() {
        var watches = WatchRegistry()
        watches.add(.data, for: 1, at: "/a")
        #expect(watches.count == 1)
        #expect(watches.trigger(.nodeDataChanged, at: "/a") == [1])
        #expect(watches.trigger(.nodeDataChanged, at: "/a") == [])
        #expect(watches.count == 0 && watches.pathCount == 0 && watches.watcherCount == 0)
    }

    @Test("a one-shot child watch fires once on NodeChildrenChanged, and not on data events")
    func childOneShot() {
        var watches = WatchRegistry()
        watches.add(.child, for: 1, at: "/a")
        #expect(watches.trigger(.nodeDataChanged, at: "/a") == [])
        #expect(watches.trigger(.nodeCreated, at: "/a") == [])
        #expect(watches.trigger(.nodeChildrenChanged, at: "/a") == [1])
        #expect(watches.trigger(.nodeChildrenChanged, at: "/a") == [])
        #expect(watches.count == 0)
    }

    @Test("a data watch on a missing path (exists) fires on NodeCreated")
    func existWatch() {
        var watches = WatchRegistry()
        watches.add(.data, for: 3, at: "/later")
        #expect(watches.trigger(.nodeChildrenChanged, at: "/later") == [])
        #expect(watches.trigger(.nodeCreated, at: "/later") == [3])
        #expect(watches.kinds(of: 3, at: "/later") == [])
    }

    @Test("NodeDeleted fires once to a watcher holding data and child watches, consuming both")
    func deleteConsumesBoth() {
        var watches = WatchRegistry()
        watches.add(.data, for: 1, at: "/a")
        watches.add(.child, for: 1, at: "/a")
        watches.add(.child, for: 2, at: "/a")
        watches.add(.data, for: 3, at: "/b")
        #expect(watches.count == 4)
        #expect(watches.trigger(.nodeDeleted, at: "/a") == [1, 2])
        #expect(watches.kinds(of: 1, at: "/a") == [] && watches.kinds(of: 2, at: "/a") == [])
        #expect(watches.count == 1)
        #expect(watches.paths(of: 3) == ["/b"])
    }

    @Test("a persistent watch fires for every event at its path, children changed included, and stays")
    func persistent() {
        var watches = WatchRegistry()
        watches.add(.persistent, for: 5, at: "/p")
        for type in [EventType.nodeCreated, .nodeDataChanged, .nodeChildrenChanged, .nodeDeleted, .nodeCreated] {
            #expect(watches.trigger(type, at: "/p") == [5], "\(type)")
        }
        #expect(watches.trigger(.nodeDataChanged, at: "/p/child") == [])
        #expect(watches.trigger(.nodeDataChanged, at: "/") == [])
        #expect(watches.kinds(of: 5, at: "/p") == .persistent)
        #expect(watches.count == 1)
    }

    @Test("a recursive watch fires for its path and every descendant, never for NodeChildrenChanged")
    func recursive() {
        var watches = WatchRegistry()
        watches.add(.recursive, for: 9, at: "/r")
        #expect(watches.trigger(.nodeCreated, at: "/r") == [9])
        #expect(watches.trigger(.nodeCreated, at: "/r/a") == [9])
        #expect(watches.trigger(.nodeDataChanged, at: "/r/a/b/c") == [9])
        #expect(watches.trigger(.nodeDeleted, at: "/r/a") == [9])
        #expect(watches.trigger(.nodeChildrenChanged, at: "/r") == [])
        #expect(watches.trigger(.nodeChildrenChanged, at: "/r/a") == [])
        // A sibling whose name starts the same is not a descendant.
        #expect(watches.trigger(.nodeCreated, at: "/rx") == [])
        #expect(watches.trigger(.nodeCreated, at: "/") == [])
        #expect(watches.kinds(of: 9, at: "/r") == .recursive)
    }

    @Test("a recursive watch on the root sees the whole tree")
    func recursiveRoot() {
        var watches = WatchRegistry()
        watches.add(.recursive, for: 1, at: "/")
        #expect(watches.trigger(.nodeCreated, at: "/") == [1])
        #expect(watches.trigger(.nodeDataChanged, at: "/a/b") == [1])
    }

    @Test("a watcher gets at most one event per trigger, however many of its watches match")
    func oneEventPerTrigger() {
        var watches = WatchRegistry()
        watches.add(.recursive, for: 1, at: "/")
        watches.add(.recursive, for: 1, at: "/a")
        watches.add([.data, .persistent], for: 1, at: "/a/b")
        watches.add(.data, for: 2, at: "/a/b")
        watches.add(.recursive, for: 3, at: "/a")
        #expect(watches.trigger(.nodeDataChanged, at: "/a/b") == [1, 2, 3])
        // The one-shot data watch of watcher 1 was consumed alongside; the persistent one stays.
        #expect(watches.kinds(of: 1, at: "/a/b") == .persistent)
        #expect(watches.kinds(of: 2, at: "/a/b") == [])
    }

    @Test("a one-shot watch set where a persistent one exists keeps the persistent one (a deliberate departure)")
    func oneShotBesidePersistent() {
        var watches = WatchRegistry()
        watches.add(.persistent, for: 1, at: "/a")
        watches.add(.data, for: 1, at: "/a")
        #expect(watches.trigger(.nodeDataChanged, at: "/a") == [1])
        #expect(watches.trigger(.nodeDataChanged, at: "/a") == [1])
    }

    @Test("removeAll forgets every watch of a watcher and leaves the others")
    func removeAll() {
        var watches = WatchRegistry()
        watches.add([.data, .child], for: 1, at: "/a")
        watches.add(.recursive, for: 1, at: "/b")
        watches.add(.data, for: 2, at: "/a")
        #expect(watches.count == 4 && watches.watcherCount == 2 && watches.pathCount == 2)
        watches.removeAll(for: 1)
        #expect(watches.count == 1 && watches.watcherCount == 1 && watches.pathCount == 1)
        #expect(watches.paths(of: 1).isEmpty)
        #expect(watches.trigger(.nodeCreated, at: "/b/x") == [])
        #expect(watches.trigger(.nodeDataChanged, at: "/a") == [2])
    }

    @Test("remove takes away only the kinds asked for and reports what it removed")
    func remove() {
        var watches = WatchRegistry()
        watches.add([.data, .child, .persistent], for: 1, at: "/a")
        #expect(watches.remove([.data, .recursive], for: 1, at: "/a") == .data)
        #expect(watches.remove(.data, for: 1, at: "/a") == [])
        #expect(watches.remove(.data, for: 2, at: "/a") == [])
        #expect(watches.kinds(of: 1, at: "/a") == [.child, .persistent])
        #expect(watches.count == 2)
    }

    @Test("counts follow registrations: one per watcher, path and kind, duplicates collapsed")
    func counts() {
        var watches = WatchRegistry()
        watches.add(.data, for: 1, at: "/a")
        watches.add(.data, for: 1, at: "/a")
        watches.add(.child, for: 1, at: "/a")
        watches.add(.data, for: 2, at: "/a")
        watches.add(.recursive, for: 2, at: "/b")
        #expect(watches.count == 4)
        #expect(watches.pathCount == 2)
        #expect(watches.watcherCount == 2)
        #expect(watches.paths(of: 2) == ["/a", "/b"])
        _ = watches.trigger(.nodeChildrenChanged, at: "/a")
        #expect(watches.count == 3)
        watches.removeAll(for: 2)
        // No recursive watch is left, so an event deep down reaches nobody.
        #expect(watches.trigger(.nodeCreated, at: "/b/c") == [])
        #expect(watches.count == 1)
    }

    @Test("events the server never sends trigger nothing")
    func otherEvents() {
        var watches = WatchRegistry()
        watches.add([.data, .child, .persistent, .recursive], for: 1, at: "/a")
        for type in [EventType.none, .dataWatchRemoved, .childWatchRemoved, .persistentWatchRemoved] {
            #expect(watches.trigger(type, at: "/a") == [])
        }
        #expect(watches.count == 4)
    }

    @Test("each watcher's count follows its registrations; admits counts only watches it does not hold")
    func perWatcherAllowance() {
        var watches = WatchRegistry(watchesPerWatcherMax: 3)
        watches.add([.data, .child], for: 1, at: "/a")
        watches.add(.data, for: 2, at: "/a")
        #expect(watches.count(of: 1) == 2 && watches.count(of: 2) == 1)
        #expect(watches.admits([(.data, "/a"), (.persistent, "/b")], for: 1))
        #expect(!watches.admits([(.data, "/b"), (.child, "/b")], for: 1))
        // The same watch twice in one request costs one.
        #expect(watches.admits([(.data, "/c"), (.data, "/c")], for: 1))
        // What a watcher already holds is admitted even at the limit.
        watches.add(.data, for: 1, at: "/c")
        #expect(watches.admits([(.data, "/a"), (.data, "/c")], for: 1))
        #expect(!watches.admits([(.recursive, "/a")], for: 1))
        _ = watches.trigger(.nodeDataChanged, at: "/c")
        #expect(watches.count(of: 1) == 2)
        watches.removeAll(for: 1)
        #expect(watches.count(of: 1) == 0 && watches.count(of: 2) == 1)
    }
}
