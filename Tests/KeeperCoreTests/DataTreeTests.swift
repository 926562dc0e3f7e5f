import KeeperProtocol
import Testing

@testable import KeeperCore

/// Hand-picked cases of prep and apply, each a rule of ZooKeeper's stat bookkeeping or check
/// order that the random model test covers only by chance.
@Suite("data tree and prep")
struct DataTreeTests {
    @Test("a fresh tree holds the four system nodes with ZooKeeper's stats")
    func freshTree() {
        let tree = DataTree()
        // ZooKeeper counts 5 (the root under "" and "/"); this tree keeps one entry per node.
        #expect(tree.nodeCount == 4)
        #expect(tree.children(of: "/") == ["zookeeper"])
        #expect(tree.children(of: "/zookeeper") == ["config", "quota"])
        #expect(tree.stat(at: "/")?.cversion == -1)
        #expect(tree.stat(at: "/zookeeper")?.cversion == -2)
        #expect(tree.stat(at: "/zookeeper/config")?.aversion == -1)
        #expect(tree.acl(of: tree.node(at: "/zookeeper/config")!) == ACL.readUnsafe)
        #expect(tree.acl(of: tree.node(at: "/zookeeper/quota")!) == ACL.openUnsafe)
        #expect(tree.lastProcessedZxid == 0)
        #expect(
            tree.approximateDataSize == "/".count + "/zookeeper".count + "/zookeeper/quota".count
                + "/zookeeper/config".count)
    }

    @Test("create stamps the node with the txn's zxid and time and moves only pzxid and cversion of the parent")
    func createStats() {
        var builder = TreeBuilder()
        builder.create("/p", [1, 2, 3])
        builder.run(.setData(path: "/p", data: [9], version: 0))
        let parentBefore = builder.tree.stat(at: "/p")!
        let outcome = builder.create("/p/c", [7])
        let zxid = builder.zxid
        let time = builder.time
        var expected = Stat()
        (expected.czxid, expected.mzxid, expected.pzxid) = (zxid, zxid, zxid)
        (expected.ctime, expected.mtime) = (time, time)
        expected.dataLength = 1
        #expect(outcome.stat == expected)
        #expect(outcome.path == "/p/c")
        let parent = builder.tree.stat(at: "/p")!
        #expect(parent.pzxid == zxid)
        #expect(parent.cversion == parentBefore.cversion + 1)
        #expect(parent.numChildren == 1)
        #expect(parent.mzxid == parentBefore.mzxid && parent.mtime == parentBefore.mtime)
        #expect(parent.version == 1)
    }

    @Test("sequential names number child creations under the parent, ten digits, deletes not undone")
    func sequentialNames() {
        var builder = TreeBuilder()
        builder.create("/q")
        #expect(builder.create("/q/n-", mode: .persistentSequential).path == "/q/n-0000000000")
        #expect(builder.create("/q/n-", mode: .ephemeralSequential).path == "/q/n-0000000001")
        builder.run(.delete(path: "/q/n-0000000000", version: -1))
        builder.create("/q/plain")
        // The trailing slash is fine for a sequential create: the suffix is the name.
        #expect(builder.create("/q/", mode: .persistentSequential).path == "/q/0000000003")
        let stat = builder.tree.stat(at: "/q")!
        #expect(builder.tree.node(at: "/q")!.cversion == 4)
        #expect(stat.numChildren == 3)
        #expect(stat.cversion == 2 * 4 - 3)
        // A non-sequential create of "/q/" is an invalid path once the parent is known.
        #expect(builder.create("/q/").error == .badArguments)
        #expect(builder.create("/nope/").error == .noNode)
    }

    @Test("delete moves the parent's pzxid and visible cversion, not its stored counter")
    func deleteStats() {
        var builder = TreeBuilder()
        builder.create("/d")
        builder.create("/d/x")
        let before = builder.tree.stat(at: "/d")!
        let (outcome, events) = builder.run(.delete(path: "/d/x", version: 0))
        #expect(outcome.error == .ok)
        let after = builder.tree.stat(at: "/d")!
        #expect(after.pzxid == builder.zxid)
        #expect(after.cversion == before.cversion + 1)
        #expect(builder.tree.node(at: "/d")!.cversion == 1)
        #expect(events.map { "\($0.type) \($0.path)" } == ["NodeDeleted /d/x", "NodeChildrenChanged /d"])
    }

    @Test("the system nodes cannot be deleted or created again")
    func systemNodes() {
        var builder = TreeBuilder()
        for path in ["/", "/zookeeper", "/zookeeper/quota", "/zookeeper/config"] {
            #expect(builder.run(.delete(path: path, version: -1), ids: Who.root).0.error == .badArguments, "\(path)")
            #expect(builder.create(path, ids: Who.root).error == .nodeExists, "\(path)")
        }
        #expect(builder.create("/zookeeper/config/x").error == .noAuth)
        #expect(builder.create("/zookeeper/config/x", ids: Who.root).error == .ok)
        #expect(builder.create("/zookeeper/x").error == .ok)
    }

    @Test("ephemeralOwner shows a session, and 0 for containers and TTL nodes, whose markers stay stored")
    func owners() {
        var builder = TreeBuilder()
        builder.create("/e", mode: .ephemeral, session: 0x0500_0000_0000_0042)
        builder.run(create("/c", flags: 4, op: .createContainer))
        builder.run(create("/t", flags: 5, op: .createTTL, ttl: 1234))
        #expect(builder.tree.stat(at: "/e")?.ephemeralOwner == 0x0500_0000_0000_0042)
        #expect(builder.tree.stat(at: "/c")?.ephemeralOwner == 0)
        #expect(builder.tree.stat(at: "/t")?.ephemeralOwner == 0)
        #expect(builder.tree.node(at: "/c")?.ephemeralOwner == Int64.min)
        #expect(builder.tree.node(at: "/t")?.ephemeralOwner == Int64(bitPattern: 0xFF00_0000_0000_04D2))
        #expect(builder.tree.containers == ["/c"])
        #expect(builder.tree.ttlNodes == ["/t"])
        #expect(builder.tree.ephemerals == [0x0500_0000_0000_0042: ["/e"]])
    }

    @Test("create checks flags, TTL, path, ACL, parent, permission, name, existence, ephemeral parent in that order")
    func createCheckOrder() {
        var builder = TreeBuilder()
        builder.create("/locked", acl: [ACL(perms: .read, id: .anyone)])
        builder.create("/eph", mode: .ephemeral)
        // Each request fails two checks; the earlier one in ZooKeeper's order must win.
        #expect(builder.run(create("a", acl: [], flags: 9)).0.error == .badArguments)
        #expect(builder.run(create("/x", flags: 5, op: .createTTL, ttl: 0)).0.error == .badArguments)
        #expect(builder.run(create("/x", flags: 0, op: .createTTL, ttl: 5)).0.error == .badArguments)
        #expect(builder.run(create("/x", flags: 5)).0.error == .badArguments)  // ttl -1 with a TTL mode
        #expect(builder.run(create("no-slash", acl: [])).0.error == .badArguments)
        #expect(builder.run(create("/missing/x", acl: [])).0.error == .invalidACL)
        #expect(builder.run(create("/missing/x", acl: ACL.creatorAll)).0.error == .invalidACL)
        #expect(builder.run(create("/missing/x")).0.error == .noNode)
        #expect(builder.run(create("/locked/.")).0.error == .noAuth)
        #expect(builder.run(create("/eph/.")).0.error == .badArguments)
        #expect(builder.run(create("/eph")).0.error == .nodeExists)
        #expect(builder.run(create("/eph/x")).0.error == .noChildrenForEphemerals)
        // Containers and TTL nodes may have children.
        builder.run(create("/c", flags: 4, op: .createContainer))
        #expect(builder.run(create("/c/x")).0.error == .ok)
    }

    @Test("TTL creates are UNIMPLEMENTED unless extended types are enabled")
    func ttlNeedsExtendedTypes() {
        var builder = TreeBuilder()
        builder.preparer = Preparer(extendedTypesEnabled: false)
        #expect(builder.run(create("/t", flags: 5, op: .createTTL, ttl: 100)).0.error == .unimplemented)
        // UNIMPLEMENTED comes before the TTL range check.
        #expect(builder.run(create("/t", flags: 6, op: .createTTL, ttl: 0)).0.error == .unimplemented)
        #expect(builder.run(create("/c", flags: 4, op: .createContainer)).0.error == .ok)
    }

    @Test("op 1 with the container flag makes a plain persistent node, as in ZooKeeper; inside a multi, a container")
    func containerByFlags() {
        var builder = TreeBuilder()
        #expect(builder.run(create("/p", flags: 4)).0.error == .ok)
        #expect(builder.tree.containers.isEmpty && builder.tree.node(at: "/p")?.kind == .persistent)
        #expect(builder.run(.multi([create("/c", flags: 4)])).0.error == .ok)
        #expect(builder.tree.containers == ["/c"])
    }

    @Test("delete checks path, parent, permission on the parent, existence, version, children in that order")
    func deleteCheckOrder() {
        var builder = TreeBuilder()
        builder.create("/p", acl: [ACL(perms: [.read, .create], id: .anyone)])
        builder.create("/p/c")
        builder.create("/q")
        builder.create("/q/c")
        #expect(builder.run(.delete(path: "x", version: -1)).0.error == .badArguments)
        #expect(builder.run(.delete(path: "/nope/x", version: -1)).0.error == .noNode)
        // No DELETE on the parent wins over a missing node.
        #expect(builder.run(.delete(path: "/p/missing", version: -1)).0.error == .noAuth)
        #expect(builder.run(.delete(path: "/q/missing", version: -1)).0.error == .noNode)
        #expect(builder.run(.delete(path: "/q", version: 5)).0.error == .badVersion)
        #expect(builder.run(.delete(path: "/q", version: 0)).0.error == .notEmpty)
        #expect(builder.run(.delete(path: "/q/c", version: 0)).0.error == .ok)
    }

    @Test("setData bumps version, mzxid and mtime; setACL bumps only aversion and checks it")
    func setDataAndACL() {
        var builder = TreeBuilder()
        builder.create("/n", [1])
        let created = builder.tree.stat(at: "/n")!
        let (setData, dataEvents) = builder.run(.setData(path: "/n", data: nil, version: 0))
        #expect(setData.stat?.version == 1)
        #expect(setData.stat?.mzxid == builder.zxid && setData.stat?.mtime == builder.time)
        #expect(setData.stat?.dataLength == 0)
        #expect(builder.tree.node(at: "/n")?.data == nil)
        #expect(dataEvents.map(\.type) == [.nodeDataChanged])
        #expect(builder.run(.setData(path: "/n", data: [], version: 0)).0.error == .badVersion)

        let acl = [ACL(perms: .all, id: Who.aliceDigest)]
        #expect(builder.run(.setACL(path: "/n", acl: acl, version: 1)).0.error == .badVersion)
        let (setACL, aclEvents) = builder.run(.setACL(path: "/n", acl: acl, version: 0))
        #expect(setACL.stat?.aversion == 1)
        #expect(setACL.stat?.version == 1 && setACL.stat?.mzxid == setData.stat?.mzxid)
        #expect(setACL.stat?.czxid == created.czxid)
        #expect(aclEvents.isEmpty)
        #expect(builder.run(.setData(path: "/n", data: [], version: -1)).0.error == .noAuth)
        #expect(builder.run(.setData(path: "/n", data: [], version: -1), ids: Who.alice).0.error == .ok)
        // INVALIDACL comes before NONODE for setACL, NONODE before NOAUTH.
        #expect(builder.run(.setACL(path: "/missing", acl: [], version: -1)).0.error == .invalidACL)
        #expect(builder.run(.setACL(path: "/missing", acl: ACL.openUnsafe, version: -1)).0.error == .noNode)
        #expect(builder.run(.setACL(path: "/n", acl: ACL.openUnsafe, version: -1)).0.error == .noAuth)
    }

    @Test("a standalone check is served: NONODE, NOAUTH on READ, BADVERSION, or ok changing nothing")
    func standaloneCheck() {
        var builder = TreeBuilder()
        builder.create("/n")
        builder.create("/secret", acl: [ACL(perms: .write, id: .anyone)])
        #expect(builder.run(.check(path: "/n/", version: -1)).0.error == .badArguments)
        #expect(builder.run(.check(path: "/m", version: -1)).0.error == .noNode)
        #expect(builder.run(.check(path: "/secret", version: 0)).0.error == .noAuth)
        #expect(builder.run(.check(path: "/n", version: 3)).0.error == .badVersion)
        let before = builder.tree.stat(at: "/n")
        let (outcome, events) = builder.run(.check(path: "/n", version: 0))
        #expect(outcome.error == .ok && events.isEmpty)
        #expect(builder.tree.stat(at: "/n") == before)
        #expect(builder.tree.lastProcessedZxid == builder.zxid)
    }

    @Test("a failed multi reports ok, then the error, then RUNTIMEINCONSISTENCY, and changes nothing but the zxid")
    func failedMulti() {
        var builder = TreeBuilder()
        builder.create("/m")
        let nodesBefore = builder.tree.nodes.keys.sorted()
        let statBefore = builder.tree.stat(at: "/m")
        let (outcome, events) = builder.run(
            .multi([
                create("/m/a"), .setData(path: "/m", data: [1], version: 0), .check(path: "/m/a", version: 1),
                .delete(path: "/m", version: -1),
            ]))
        #expect(outcome.results.map(\.error) == [.ok, .ok, .badVersion, .runtimeInconsistency])
        #expect(events.isEmpty)
        #expect(builder.tree.nodes.keys.sorted() == nodesBefore)
        #expect(builder.tree.stat(at: "/m") == statBefore)
        #expect(builder.tree.lastProcessedZxid == builder.zxid)
        #expect(builder.preparer.pending.isEmpty)
    }

    @Test("a multi's later ops see the earlier ones, share one zxid and time, and fire events in op order")
    func successfulMulti() {
        var builder = TreeBuilder()
        builder.create("/m")
        let (outcome, events) = builder.run(
            .multi([
                create("/m/a"), create("/m/a/s-", flags: 2), create("/m/a/s-", flags: 2),
                .setData(path: "/m/a", data: [1], version: 0), .check(path: "/m/a", version: 1),
                .delete(path: "/m/a/s-0000000000", version: 0),
            ]))
        #expect(outcome.results.map(\.error) == Array(repeating: .ok, count: 6))
        #expect(
            outcome.results.map(\.path) == [
                "/m/a", "/m/a/s-0000000000", "/m/a/s-0000000001", "/m/a", nil, "/m/a/s-0000000000",
            ])
        let a = builder.tree.stat(at: "/m/a")!
        #expect(a.czxid == builder.zxid && a.mzxid == builder.zxid && a.ctime == builder.time)
        #expect(a.version == 1 && a.numChildren == 1 && a.cversion == 3)
        #expect(
            events.map { "\($0.type) \($0.path)" } == [
                "NodeCreated /m/a", "NodeChildrenChanged /m", "NodeCreated /m/a/s-0000000000",
                "NodeChildrenChanged /m/a", "NodeCreated /m/a/s-0000000001", "NodeChildrenChanged /m/a",
                "NodeDataChanged /m/a", "NodeDeleted /m/a/s-0000000000", "NodeChildrenChanged /m/a",
            ])
    }

    @Test("a multi holding a read or a setACL fails as a whole with MARSHALLINGERROR")
    func multiWithForeignOps() {
        var builder = TreeBuilder()
        let (withRead, _) = builder.run(.multi([create("/x"), .getData(path: "/", watch: false)]))
        #expect(withRead.error == .marshallingError && withRead.results.isEmpty)
        let (withACL, _) = builder.run(.multi([.setACL(path: "/", acl: ACL.openUnsafe, version: -1)]))
        #expect(withACL.error == .marshallingError)
        let (empty, events) = builder.run(.multi([]))
        #expect(empty.error == .ok && empty.results.isEmpty && events.isEmpty)
        #expect(builder.tree.node(at: "/x") == nil)
    }

    @Test("closeSession deletes the session's ephemerals, in path order, with their events")
    func closeSession() {
        var builder = TreeBuilder()
        builder.create("/s")
        builder.create("/s/b", mode: .ephemeral, session: 7)
        builder.create("/s/a", mode: .ephemeral, session: 7)
        builder.create("/s/other", mode: .ephemeral, session: 8)
        let (_, events) = builder.closeSession(7)
        #expect(
            events.map { "\($0.type) \($0.path)" } == [
                "NodeDeleted /s/a", "NodeChildrenChanged /s", "NodeDeleted /s/b", "NodeChildrenChanged /s",
            ])
        #expect(builder.tree.children(of: "/s") == ["other"])
        #expect(builder.tree.ephemerals == [8: ["/s/other"]])
        #expect(builder.tree.stat(at: "/s")?.pzxid == builder.zxid)
    }

    @Test("closeSession prepared ahead of apply counts pending creates and deletes of its ephemerals")
    func closeSessionWithPendingChanges() {
        var tree = DataTree()
        var preparer = Preparer()
        var zxid: Int64 = 0
        var prepared: [TxnEntry] = []
        func prepare(_ request: Request, session: Int64) {
            zxid += 1
            let txn = preparer.prepare(
                request, in: tree, context: RequestContext(session: session, ids: Who.anonymous, zxid: zxid, time: zxid)
            )
            prepared.append(
                TxnEntry(
                    header: TxnHeader(session: session, cxid: 0, zxid: zxid, time: zxid, type: txn.type.rawValue),
                    txn: txn))
        }
        func applyAll() {
            for entry in prepared {
                _ = tree.apply(entry)
                preparer.applied(upTo: entry.zxid)
            }
            prepared = []
        }
        prepare(create("/kept", flags: 1), session: 7)
        prepare(create("/replaced", flags: 1), session: 7)
        prepare(create("/gone", flags: 1), session: 7)
        applyAll()
        // Pending: /gone deleted, /replaced deleted and created again by session 8, /new created by 7.
        prepare(.delete(path: "/gone", version: -1), session: 7)
        prepare(.delete(path: "/replaced", version: -1), session: 7)
        prepare(create("/replaced", flags: 1), session: 8)
        prepare(create("/new", flags: 1), session: 7)
        zxid += 1
        let close = preparer.prepareCloseSession(7, in: tree, zxid: zxid)
        #expect(close == .closeSession(ephemerals: ["/kept", "/new"]))
        prepared.append(
            TxnEntry(
                header: TxnHeader(session: 7, cxid: 0, zxid: zxid, time: zxid, type: close.type.rawValue), txn: close))
        applyAll()
        #expect(tree.children(of: "/") == ["replaced", "zookeeper"])
        #expect(tree.ephemerals == [8: ["/replaced"]])
        #expect(preparer.pending.isEmpty)
    }

    @Test("the reaper's delete re-checks children, kind and a TTL renewed by a pending setData")
    func reap() {
        var builder = TreeBuilder()
        builder.run(create("/c", flags: 4, op: .createContainer))
        builder.run(create("/c/x"))
        builder.run(create("/t", flags: 5, op: .createTTL, ttl: 100))
        builder.create("/plain")
        let created = builder.time
        #expect(builder.preparer.prepareReap("/c", in: builder.tree, zxid: 99, time: created) == .error(.notEmpty))
        #expect(
            builder.preparer.prepareReap("/plain", in: builder.tree, zxid: 99, time: created) == .error(.badVersion))
        #expect(builder.preparer.prepareReap("/none", in: builder.tree, zxid: 99, time: created) == .error(.noNode))
        // The TTL counts from mtime, strictly.
        let ttlMtime = builder.tree.node(at: "/t")!.mtime
        #expect(
            builder.preparer.prepareReap("/t", in: builder.tree, zxid: 99, time: ttlMtime + 100) == .error(.badVersion))
        // A setData on its way renews it.
        var preparer = builder.preparer
        _ = preparer.prepare(
            .setData(path: "/t", data: [1], version: -1), in: builder.tree,
            context: RequestContext(session: 1, ids: Who.anonymous, zxid: builder.zxid + 1, time: ttlMtime + 90))
        #expect(
            preparer.prepareReap("/t", in: builder.tree, zxid: builder.zxid + 2, time: ttlMtime + 101)
                == .error(.badVersion))
        #expect(
            builder.preparer.prepareReap("/t", in: builder.tree, zxid: builder.zxid + 1, time: ttlMtime + 101)
                == .deleteContainer(path: "/t"))
    }

    @Test("descendant counts and ephemeral lists follow ZooKeeper's string rules")
    func descendantsAndEphemerals() {
        var builder = TreeBuilder()
        #expect(builder.tree.descendantCount(of: "/") == 3)
        builder.create("/a")
        builder.create("/a/b")
        builder.create("/a/b/c")
        builder.create("/ab", mode: .ephemeral, session: 5)
        builder.create("/a/e", mode: .ephemeral, session: 5)
        builder.create("/a/f", mode: .ephemeral, session: 6)
        #expect(builder.tree.descendantCount(of: "/a") == 4)
        #expect(builder.tree.descendantCount(of: "/") == 9)
        #expect(builder.tree.descendantCount(of: "/a/b/c") == 0)
        #expect(builder.tree.descendantCount(of: "/x") == nil)
        #expect(builder.tree.ephemerals(of: 5, prefix: "/a") == ["/a/e", "/ab"])
        #expect(builder.tree.ephemerals(of: 5, prefix: "/a/") == ["/a/e"])
        #expect(builder.tree.ephemerals(of: 5, prefix: " / ") == ["/a/e", "/ab"])
        #expect(builder.tree.ephemerals(of: 5, prefix: "") == ["/a/e", "/ab"])
        #expect(builder.tree.ephemerals(of: 6, prefix: "/") == ["/a/f"])
        #expect(builder.tree.ephemerals(of: 9, prefix: "/") == [])
    }

    @Test("getEphemerals' prefix is a plain string prefix, even inside a character")
    func ephemeralPrefixIsCodeUnits() {
        var builder = TreeBuilder()
        // "e" followed by a combining acute accent: one Character, two code points.
        builder.create("/caf\u{65}\u{301}", mode: .ephemeral, session: 5)
        #expect(builder.tree.ephemerals(of: 5, prefix: "/cafe") == ["/caf\u{65}\u{301}"])
    }
}
