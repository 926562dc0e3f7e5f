import KeeperProtocol
import Testing

@testable import KeeperCore

@Suite("reads and watch operations")
struct ReadProcessorTests {
    /// /open (data "hello", children b, a), /secret (alice only), /readonly (READ only),
    /// /adminonly (ADMIN only), ephemerals of sessions 5 and 6.
    let tree: DataTree
    let anonymous = Reader(watcher: 1, session: 5, ids: Who.anonymous)
    let alice = Reader(watcher: 2, session: 6, ids: Who.alice)

    init() {
        var builder = TreeBuilder()
        builder.create("/open", Array("hello".utf8))
        builder.create("/open/b")
        builder.create("/open/a", nil)
        builder.create("/open/a/deep")
        builder.create("/secret", [1], acl: [ACL(perms: .all, id: Who.aliceDigest)])
        builder.create("/secret/child", ids: Who.alice)
        builder.create(
            "/readonly", acl: [ACL(perms: .read, id: .anyone), ACL(perms: .all, id: Who.aliceDigest)])
        builder.create("/adminonly", acl: [ACL(perms: .admin, id: .anyone)])
        builder.create("/open/e1", mode: .ephemeral, session: 5)
        builder.create("/open/a/e2", mode: .ephemeral, session: 5)
        builder.create("/opener", mode: .ephemeral, session: 5)
        builder.create("/open/e3", mode: .ephemeral, session: 6)
        builder.run(.setData(path: "/open", data: Array("hello".utf8), version: -1))
        tree = builder.tree
    }

    private func read(
        _ request: Request, _ watches: inout WatchRegistry, by reader: Reader? = nil
    ) -> Result<Response, ErrorCode> {
        ReadProcessor.read(request, tree: tree, watches: &watches, by: reader ?? anonymous)
    }

    @Test("exists returns the stat and sets a data watch; on a missing node NONODE and an exist watch")
    func exists() {
        var watches = WatchRegistry()
        #expect(read(.exists(path: "/open", watch: true), &watches) == .success(.stat(tree.stat(at: "/open")!)))
        #expect(watches.kinds(of: 1, at: "/open") == .data)
        #expect(read(.exists(path: "/missing", watch: true), &watches) == .failure(.noNode))
        #expect(watches.kinds(of: 1, at: "/missing") == .data)
        #expect(read(.exists(path: "/missing2", watch: false), &watches) == .failure(.noNode))
        #expect(watches.kinds(of: 1, at: "/missing2") == [])
        #expect(watches.count == 2)
    }

    @Test("exists needs no permission, as in ZooKeeper 3.8: it answers and watches where getData is refused")
    func existsWithoutRead() {
        var watches = WatchRegistry()
        for path in ["/secret", "/adminonly"] {
            #expect(read(.exists(path: path, watch: true), &watches) == .success(.stat(tree.stat(at: path)!)))
            #expect(watches.kinds(of: 1, at: path) == .data)
            #expect(read(.getData(path: path, watch: false), &watches) == .failure(.noAuth))
        }
        #expect(read(.exists(path: "/secret/missing", watch: true), &watches) == .failure(.noNode))
        #expect(watches.kinds(of: 1, at: "/secret/missing") == .data)
        #expect(watches.count == 3)
    }

    @Test("exists refuses a path with NUL and sets no watch for it")
    func existsNul() {
        var watches = WatchRegistry()
        #expect(read(.exists(path: "/a\u{0}", watch: true), &watches) == .failure(.badArguments))
        #expect(watches.count == 0)
    }

    @Test("getData returns data and stat and sets a data watch only on success")
    func getData() {
        var watches = WatchRegistry()
        #expect(
            read(.getData(path: "/open", watch: true), &watches)
                == .success(.data(Array("hello".utf8), tree.stat(at: "/open")!)))
        #expect(
            read(.getData(path: "/open/a", watch: false), &watches) == .success(.data(nil, tree.stat(at: "/open/a")!)))
        #expect(read(.getData(path: "/missing", watch: true), &watches) == .failure(.noNode))
        #expect(read(.getData(path: "/secret", watch: true), &watches) == .failure(.noAuth))
        #expect(read(.getData(path: "/adminonly", watch: true), &watches) == .failure(.noAuth))
        #expect(watches.paths(of: 1) == ["/open"])
        #expect(watches.count == 1)
    }

    @Test("getChildren and getChildren2 return sorted names, the stat, and set a child watch")
    func getChildren() {
        var watches = WatchRegistry()
        let names = ["a", "b", "e1", "e3"]
        #expect(read(.getChildren(path: "/open", watch: true), &watches) == .success(.children(names)))
        #expect(
            read(.getChildren2(path: "/open", watch: false), &watches, by: alice)
                == .success(.children2(names, tree.stat(at: "/open")!)))
        #expect(watches.kinds(of: 1, at: "/open") == .child)
        #expect(watches.kinds(of: 2, at: "/open") == [])
        #expect(read(.getChildren(path: "/missing", watch: true), &watches) == .failure(.noNode))
        #expect(read(.getChildren2(path: "/secret", watch: true), &watches) == .failure(.noAuth))
        #expect(
            read(.getChildren2(path: "/secret", watch: true), &watches, by: alice)
                == .success(.children2(["child"], tree.stat(at: "/secret")!)))
        #expect(watches.count == 2)
    }

    @Test("getACL needs READ or ADMIN; without ADMIN digest ids are redacted")
    func getACL() {
        var watches = WatchRegistry()
        let readonly = tree.acl(of: tree.node(at: "/readonly")!)
        let redacted = [ACL(perms: .read, id: .anyone), ACL(perms: .all, id: Id(scheme: "digest", id: "alice:x"))]
        #expect(read(.getACL(path: "/readonly"), &watches) == .success(.acl(redacted, tree.stat(at: "/readonly")!)))
        #expect(
            read(.getACL(path: "/readonly"), &watches, by: alice)
                == .success(.acl(readonly, tree.stat(at: "/readonly")!)))
        #expect(
            read(.getACL(path: "/adminonly"), &watches)
                == .success(.acl([ACL(perms: .admin, id: .anyone)], tree.stat(at: "/adminonly")!)))
        #expect(read(.getACL(path: "/secret"), &watches) == .failure(.noAuth))
        #expect(read(.getACL(path: "/secret/nothing"), &watches) == .failure(.noNode))
        #expect(
            read(.getACL(path: "/secret"), &watches, by: Reader(watcher: 3, session: 0, ids: Who.root))
                == .success(.acl([ACL(perms: .all, id: Who.aliceDigest)], tree.stat(at: "/secret")!)))
        #expect(watches.count == 0)
    }

    @Test("getAllChildrenNumber counts all descendants and needs READ")
    func allChildrenNumber() {
        var watches = WatchRegistry()
        #expect(read(.getAllChildrenNumber(path: "/open"), &watches) == .success(.count(6)))
        #expect(read(.getAllChildrenNumber(path: "/open/a/deep"), &watches) == .success(.count(0)))
        // Everything but the root, the three /zookeeper nodes included.
        #expect(read(.getAllChildrenNumber(path: "/"), &watches) == .success(.count(Int32(tree.nodeCount - 1))))
        #expect(read(.getAllChildrenNumber(path: "/secret"), &watches) == .failure(.noAuth))
        #expect(read(.getAllChildrenNumber(path: "/nope"), &watches) == .failure(.noNode))
    }

    @Test("getEphemerals lists only the caller's session, by plain string prefix")
    func ephemerals() {
        var watches = WatchRegistry()
        #expect(
            read(.getEphemerals(prefix: "/"), &watches) == .success(.children(["/open/a/e2", "/open/e1", "/opener"])))
        #expect(
            read(.getEphemerals(prefix: ""), &watches) == .success(.children(["/open/a/e2", "/open/e1", "/opener"])))
        #expect(
            read(.getEphemerals(prefix: "/open"), &watches)
                == .success(.children(["/open/a/e2", "/open/e1", "/opener"])))
        #expect(read(.getEphemerals(prefix: "/open/"), &watches) == .success(.children(["/open/a/e2", "/open/e1"])))
        #expect(read(.getEphemerals(prefix: "/open/e"), &watches) == .success(.children(["/open/e1"])))
        #expect(read(.getEphemerals(prefix: "/x"), &watches) == .success(.children([])))
        #expect(read(.getEphemerals(prefix: "/"), &watches, by: alice) == .success(.children(["/open/e3"])))
    }

    @Test("multiRead answers each op on its own and sets no watches")
    func multiRead() {
        var watches = WatchRegistry()
        let result = read(
            .multiRead([
                .getData(path: "/open", watch: true), .getChildren(path: "/open/a", watch: true),
                .getData(path: "/missing", watch: true), .getChildren(path: "/secret", watch: true),
            ]), &watches)
        #expect(
            result
                == .success(
                    .multi([
                        .getData(Array("hello".utf8), tree.stat(at: "/open")!), .getChildren(["deep", "e2"]),
                        .error(.noNode), .error(.noAuth),
                    ])))
        #expect(watches.count == 0)
        #expect(read(.multiRead([]), &watches) == .success(.multi([])))
        #expect(
            read(.multiRead([.getData(path: "/open", watch: false), .check(path: "/open", version: -1)]), &watches)
                == .failure(.marshallingError))
    }

    @Test("whoAmI lists the caller's identities, digest as the user name only")
    func whoAmI() {
        var watches = WatchRegistry()
        #expect(
            read(.whoAmI, &watches, by: Reader(watcher: 3, session: 0, ids: Who.root))
                == .success(
                    .whoAmI([
                        ClientInfo(authScheme: "ip", user: "10.0.0.1"), ClientInfo(authScheme: "super", user: ""),
                        ClientInfo(authScheme: "digest", user: "root"),
                    ])))
    }

    @Test("sync echoes its path and ping answers empty")
    func syncAndPing() {
        var watches = WatchRegistry()
        #expect(read(.sync(path: "/anything/at all"), &watches) == .success(.path("/anything/at all")))
        #expect(read(.ping, &watches) == .success(.empty))
        #expect(read(.setData(path: "/open", data: nil, version: -1), &watches) == .failure(.marshallingError))
    }

    @Test("addWatch registers persistent or recursive watches anywhere, answering an ErrorResponse of 0")
    func addWatch() {
        var watches = WatchRegistry()
        #expect(read(.addWatch(path: "/nowhere", mode: 0), &watches) == .success(.errorResponse(.ok)))
        #expect(read(.addWatch(path: "/secret", mode: 1), &watches) == .success(.errorResponse(.ok)))
        #expect(watches.kinds(of: 1, at: "/nowhere") == .persistent)
        #expect(watches.kinds(of: 1, at: "/secret") == .recursive)
        #expect(read(.addWatch(path: "/x", mode: 2), &watches) == .failure(.marshallingError))
        #expect(watches.count == 2)
    }

    @Test("removeWatches removes the caller's watches of the type, persistent ones included; NOWATCHER if none")
    func removeWatches() {
        var watches = WatchRegistry()
        watches.add([.data, .child], for: 1, at: "/a")
        watches.add(.persistent, for: 1, at: "/p")
        watches.add(.data, for: 2, at: "/b")
        #expect(read(.removeWatches(path: "/a", type: 2), &watches) == .success(.empty))
        #expect(watches.kinds(of: 1, at: "/a") == .child)
        #expect(read(.removeWatches(path: "/a", type: 2), &watches) == .failure(.noWatcher))
        #expect(read(.removeWatches(path: "/a", type: 1), &watches) == .success(.empty))
        #expect(read(.removeWatches(path: "/a", type: 3), &watches) == .failure(.noWatcher))
        // Data removes a persistent watch too (a deliberate departure: ZooKeeper keeps its child half).
        #expect(read(.removeWatches(path: "/p", type: 2), &watches) == .success(.empty))
        #expect(watches.kinds(of: 1, at: "/p") == [])
        // Another connection's watch is not the caller's to remove.
        #expect(read(.removeWatches(path: "/b", type: 3), &watches) == .failure(.noWatcher))
        #expect(watches.kinds(of: 2, at: "/b") == .data)
        #expect(read(.removeWatches(path: "/b", type: 7), &watches) == .failure(.marshallingError))
    }

    @Test("checkWatches reports NOWATCHER unless the caller holds a watch of the type, and changes nothing")
    func checkWatches() {
        var watches = WatchRegistry()
        watches.add(.child, for: 1, at: "/a")
        watches.add(.recursive, for: 1, at: "/r")
        watches.add(.data, for: 2, at: "/b")
        #expect(read(.checkWatches(path: "/a", type: 1), &watches) == .success(.empty))
        #expect(read(.checkWatches(path: "/a", type: 2), &watches) == .failure(.noWatcher))
        #expect(read(.checkWatches(path: "/a", type: 3), &watches) == .success(.empty))
        #expect(read(.checkWatches(path: "/r", type: 2), &watches) == .success(.empty))
        #expect(read(.checkWatches(path: "/b", type: 3), &watches) == .failure(.noWatcher))
        #expect(read(.checkWatches(path: "/b", type: 3), &watches, by: alice) == .success(.empty))
        // Only Children (1), Data (2) and Any (3) exist in 3.8; anything else is a marshalling error.
        for type: Int32 in [0, 4, 5, -1] {
            #expect(
                read(.checkWatches(path: "/a", type: type), &watches) == .failure(.marshallingError), "type \(type)")
        }
        #expect(watches.count == 3)
    }

    @Test("setWatches reports what was missed since relativeZxid and registers the rest")
    func setWatches() throws {
        var watches = WatchRegistry()
        let open = tree.node(at: "/open")!
        let secret = tree.node(at: "/secret")!
        // After /secret's changes, before /open/a's last child and /open's data change.
        let relative = tree.node(at: "/open/e1")!.czxid
        #expect(secret.mzxid <= relative && secret.pzxid <= relative && open.mzxid > relative)
        let request = SetWatches(
            relativeZxid: relative, dataWatches: ["/open", "/gone", "/secret"], existWatches: ["/open/b", "/future"],
            childWatches: ["/open/a/e2", "/gone", "/secret", "/open/a"], persistentWatches: ["/p"],
            persistentRecursiveWatches: ["/r"])
        let missed = try ReadProcessor.setWatches(request, tree: tree, watches: &watches, watcher: 4)
        let openA = tree.node(at: "/open/a")!
        #expect(openA.pzxid > relative)
        #expect(
            missed == [
                WatcherEvent(type: .nodeDataChanged, path: "/open"), WatcherEvent(type: .nodeDeleted, path: "/gone"),
                WatcherEvent(type: .nodeCreated, path: "/open/b"),
                WatcherEvent(type: .nodeChildrenChanged, path: "/open/a/e2"),
                WatcherEvent(type: .nodeDeleted, path: "/gone"),
                WatcherEvent(type: .nodeChildrenChanged, path: "/open/a"),
            ])
        // What was not missed is registered, without any ACL check.
        #expect(watches.kinds(of: 4, at: "/secret") == [.data, .child])
        #expect(watches.kinds(of: 4, at: "/future") == .data)
        #expect(watches.kinds(of: 4, at: "/p") == .persistent)
        #expect(watches.kinds(of: 4, at: "/r") == .recursive)
        #expect(watches.kinds(of: 4, at: "/open") == [])
        #expect(watches.count == 5)
    }

    @Test("a read over watchesPerWatcherMax fails with QUOTAEXCEEDED after its other checks and sets no watch")
    func watchAllowance() {
        var watches = WatchRegistry(watchesPerWatcherMax: 1)
        #expect(
            read(.getData(path: "/open", watch: true), &watches)
                == .success(.data(Array("hello".utf8), tree.stat(at: "/open")!)))
        #expect(read(.exists(path: "/open/b", watch: true), &watches) == .failure(.quotaExceeded))
        #expect(read(.exists(path: "/missing", watch: true), &watches) == .failure(.quotaExceeded))
        #expect(read(.getChildren(path: "/open", watch: true), &watches) == .failure(.quotaExceeded))
        #expect(
            read(.addWatch(path: "/p", mode: AddWatchMode.persistent.rawValue), &watches) == .failure(.quotaExceeded))
        // Checks that come first still answer first; reads without a watch are untouched.
        #expect(read(.getData(path: "/nope", watch: true), &watches) == .failure(.noNode))
        #expect(read(.getData(path: "/secret", watch: true), &watches) == .failure(.noAuth))
        #expect(read(.exists(path: "/open/b", watch: false), &watches) == .success(.stat(tree.stat(at: "/open/b")!)))
        // The watch it already holds is set again at no cost.
        #expect(
            read(.getData(path: "/open", watch: true), &watches)
                == .success(.data(Array("hello".utf8), tree.stat(at: "/open")!)))
        #expect(watches.count == 1 && watches.kinds(of: 1, at: "/open") == .data)
    }

    @Test("setWatches over watchesPerWatcherMax registers nothing and reports nothing missed")
    func setWatchesAllowance() throws {
        var watches = WatchRegistry(watchesPerWatcherMax: 2)
        let request = SetWatches(
            relativeZxid: 0, dataWatches: ["/gone"], existWatches: ["/future"], childWatches: [],
            persistentWatches: ["/p"], persistentRecursiveWatches: ["/r"])
        #expect(throws: ErrorCode.quotaExceeded) {
            try ReadProcessor.setWatches(request, tree: tree, watches: &watches, watcher: 4)
        }
        #expect(watches.count == 0)
        let fits = SetWatches(
            relativeZxid: 0, dataWatches: ["/gone"], existWatches: ["/future"], childWatches: [],
            persistentWatches: ["/p"], persistentRecursiveWatches: [])
        #expect(
            try ReadProcessor.setWatches(fits, tree: tree, watches: &watches, watcher: 4) == [
                WatcherEvent(type: .nodeDeleted, path: "/gone")
            ])
        #expect(watches.count(of: 4) == 2)
    }
}
