import KeeperCore
import KeeperProtocol
import Testing
import Zab

@testable import KeeperNode

@Suite("KeeperNode as a state machine")
struct KeeperNodeTests {
    // MARK: - Handshake

    @Test("a new session is persisted before its ConnectResponse, with a clamped timeout and ZooKeeper's password")
    func newSession() throws {
        var h = NodeHarness()
        h.connect(1)
        let handshake = h.handshake(1, ConnectRequest(timeout: 1000))
        #expect(h.trace(handshake) == ["pause 1", "persist 1"])
        let session = NodeHarness.firstSessionId
        let expected = TxnEntry(
            header: TxnHeader(
                session: session, cxid: 0, zxid: 1, time: NodeHarness.start.wall, type: OpCode.createSession.rawValue),
            txn: .createSession(timeout: 4000))
        #expect(handshake.last == .persist([ZabEntry(zxid: 1, payload: expected.bytes())]))
        let persisted = h.persistAll()
        #expect(
            h.decode(persisted) == [
                .init(
                    connection: 1,
                    packet: .connect(
                        ConnectResponse(
                            protocolVersion: 0, timeout: 4000, sessionId: session,
                            password: SessionPassword.make(for: session), readOnly: false)))
            ])
        #expect(h.node.session(of: 1) == session)
        #expect(h.node.sessions.session(session)?.timeout == 4000)
        #expect(h.node.tree.lastProcessedZxid == 1)
    }

    @Test("the negotiated timeout is clamped to [min, max] and the readOnly byte echoes the request's")
    func timeoutsAndReadOnly() {
        var h = NodeHarness()
        let cases: [(ConnectionID, Int32, Bool?, Int32)] = [
            (1, 100_000, nil, 40_000), (2, 10_000, true, 10_000), (3, 4000, false, 4000), (4, 3999, nil, 4000),
        ]
        for (id, requested, readOnly, _) in cases {
            h.connect(id)
            _ = h.handshake(id, ConnectRequest(timeout: requested, readOnly: readOnly))
        }
        let persisted = h.persistAll()
        var frames: [ConnectionID: [UInt8]] = [:]
        for case .send(let id, let frame) in persisted { frames[id] = frame }
        let sent = h.decode(persisted)
        #expect(sent.count == 4)
        for (index, (id, _, readOnly, negotiated)) in cases.enumerated() {
            guard case .connect(let response) = sent.first(where: { $0.connection == id })?.packet else {
                Issue.record("no ConnectResponse for \(id)")
                continue
            }
            #expect(response.timeout == negotiated, "connection \(id)")
            #expect(response.sessionId == NodeHarness.firstSessionId + Int64(index))
            #expect(response.readOnly == (readOnly == nil ? nil : false), "connection \(id)")
            // 4-byte length, then version, timeout, session, 16-byte password, maybe one byte.
            let expectedLength = readOnly == nil ? 40 : 41
            #expect(frames[id]?.count == expectedLength)
        }
    }

    @Test("a reconnect on a new connection closes the old one and keeps the session and its ephemerals, taking no zxid")
    func reconnect() {
        var h = NodeHarness()
        let session = h.openSession(1)
        _ = h.write(1, 1, create("/e", flags: 1))
        h.connect(2)
        let actions = h.handshake(
            2,
            ConnectRequest(
                lastZxidSeen: 2, timeout: 8000, sessionId: session, password: SessionPassword.make(for: session)))
        #expect(h.trace(actions) == ["close 1", "2: connect session \(hex(session)) timeout 8000"])
        #expect(h.unpersisted.isEmpty && h.node.tree.lastProcessedZxid == 2)
        #expect(h.node.connectionIDs == [2])
        #expect(h.node.sessions.session(session)?.timeout == 8000)
        let read = h.send(2, 1, .exists(path: "/e", watch: false))
        guard case .stat(let stat) = h.response(read, to: 2) else {
            Issue.record("no stat for /e")
            return
        }
        #expect(stat.ephemeralOwner == session)
    }

    @Test("a wrong password gets session 0, timeout 0, a zero password, then a close; the old connection goes first")
    func wrongPassword() {
        var h = NodeHarness()
        let session = h.openSession(1)
        h.connect(2)
        let actions = h.handshake(
            2, ConnectRequest(timeout: 8000, sessionId: session, password: [UInt8](repeating: 7, count: 16)))
        #expect(h.trace(actions) == ["close 1", "2: connect session 0x0 timeout 0", "close 2"])
        h.connect(3)
        let again = h.handshake(
            3, ConnectRequest(timeout: 8000, sessionId: session, password: [UInt8](repeating: 7, count: 16)))
        #expect(
            h.decode(again) == [
                .init(
                    connection: 3,
                    packet: .connect(
                        ConnectResponse(
                            timeout: 0, sessionId: 0, password: [UInt8](repeating: 0, count: 16), readOnly: false)))
            ])
        // The session itself lives on until it expires.
        #expect(h.node.sessions.session(session) != nil)
        #expect(h.node.connectionIDs.isEmpty)
    }

    @Test("a reconnect to an unknown session is refused like a wrong password")
    func unknownSession() {
        var h = NodeHarness()
        h.connect(1)
        let stranger: Int64 = 0x0042_0000_0000_0001
        let actions = h.handshake(
            1, ConnectRequest(timeout: 8000, sessionId: stranger, password: SessionPassword.make(for: stranger)))
        #expect(h.trace(actions) == ["1: connect session 0x0 timeout 0", "close 1"])
    }

    @Test("a client that has seen a later zxid is closed with no response")
    func zxidAhead() {
        var h = NodeHarness()
        _ = h.openSession(1)
        h.connect(2)
        let actions = h.handshake(2, ConnectRequest(lastZxidSeen: 2, timeout: 8000))
        #expect(h.trace(actions) == ["close 2"])
        #expect(h.unpersisted.isEmpty)
        #expect(h.node.connectionIDs == [1])
        h.connect(3)
        #expect(h.trace(h.handshake(3, ConnectRequest(lastZxidSeen: 1, timeout: 8000))) == ["pause 3", "persist 2"])
    }

    /// Java's Netty client (the one TLS needs) sends its first requests right behind the
    /// ConnectRequest; the node closed the connection on them ("request before the handshake
    /// finished") until it stopped reading while the session is decided, as ZooKeeper does.
    @Test(
        "reading stops while a session is created, and what the client pipelined is answered after the ConnectResponse")
    func pipelinedBehindConnect() {
        var h = NodeHarness()
        h.connect(1)
        #expect(h.trace(h.handshake(1, ConnectRequest(timeout: 8000))) == ["pause 1", "persist 1"])
        #expect(
            h.trace(h.persistAll()) == [
                "1: connect session \(hex(NodeHarness.firstSessionId)) timeout 8000", "resume 1",
            ])
        #expect(h.trace(h.send(1, 1, .exists(path: "/", watch: false))) == ["1: reply 1 zxid 1 err 0"])
    }

    @Test("a connection that sends no handshake is closed after handshakeTimeout")
    func handshakeTimeout() {
        var h = NodeHarness()
        h.connect(1)
        _ = h.openSession(2)
        #expect(h.trace(h.tick(after: 10_000)) == [])
        #expect(h.trace(h.tick(after: 1)) == ["close 1"])
        #expect(h.node.connectionIDs == [2])
    }

    @Test("a request before the handshake completes closes the connection")
    func requestBeforeHandshake() {
        var h = NodeHarness()
        h.connect(1)
        #expect(h.trace(h.send(1, 1, .ping)) == ["close 1"])
        h.connect(2)
        _ = h.handshake(2, ConnectRequest(timeout: 8000))
        #expect(h.trace(h.send(2, 1, .ping)) == ["close 2"])
    }

    // MARK: - Requests and replies

    @Test("a create is persisted, then applied and answered with its zxid")
    func createFlow() throws {
        var h = NodeHarness()
        _ = h.openSession(1)
        let sent = h.send(1, 1, create("/a", [1, 2]))
        #expect(h.trace(sent) == ["persist 2"])
        guard case .persist(let entries) = sent.first else {
            Issue.record("no persist in \(sent)")
            return
        }
        #expect(
            try entries.map { try TxnEntry.decode($0.payload).txn } == [
                .create(path: "/a", data: [1, 2], acl: ACL.openUnsafe, kind: .persistent, parentCVersion: 1)
            ])
        #expect(h.node.tree.node(at: "/a") == nil)
        let applied = h.persistAll()
        let replies = h.replies(applied, to: 1)
        #expect(replies.map(\.0) == [ReplyHeader(xid: 1, zxid: 2)])
        #expect(replies.first?.1 == .path("/a"))

        let second = h.write(1, 2, create("/b", [3], op: .create2))
        guard case .created(let path, let stat) = h.response(second, to: 1) else {
            Issue.record("no Create2Response")
            return
        }
        #expect(path == "/b")
        #expect(stat.czxid == 3 && stat.mzxid == 3 && stat.ctime == NodeHarness.start.wall && stat.dataLength == 1)
    }

    @Test("/zookeeper/config shows the ensemble's members, read-only, with no zxid")
    func membership() throws {
        var h = NodeHarness { $0.membership = Array("server.1=a:1:2:participant;a:3\nversion=0".utf8) }
        _ = h.openSession(1)
        guard
            case .data(let data?, let stat) = h.response(
                h.send(1, 1, .getData(path: "/zookeeper/config", watch: false)), to: 1)
        else {
            Issue.record("no GetDataResponse")
            return
        }
        #expect(String(decoding: data, as: UTF8.self) == "server.1=a:1:2:participant;a:3\nversion=0")
        #expect(stat.czxid == 0 && stat.mzxid == 0 && stat.dataLength == 40 && stat.aversion == -1)
        let refused = h.write(1, 2, .setData(path: "/zookeeper/config", data: [1], version: -1))
        #expect(h.replies(refused, to: 1).first?.0.err == ErrorCode.noAuth.rawValue)
    }

    @Test("replies leave in request order: a read waits behind the connection's pending write, not another's")
    func readBehindWrite() {
        var h = NodeHarness()
        _ = h.openSession(1)
        _ = h.openSession(2)
        let actions =
            h.send(1, 1, create("/x", [9])) + h.send(1, 2, .getData(path: "/x", watch: false))
            + h.send(2, 1, .getData(path: "/x", watch: false))
        #expect(h.trace(actions) == ["persist 3", "2: reply 1 zxid 2 err -101"])
        let applied = h.persistAll()
        let replies = h.replies(applied, to: 1)
        #expect(replies.map(\.0) == [ReplyHeader(xid: 1, zxid: 3), ReplyHeader(xid: 2, zxid: 3)])
        guard case .data(let data, let stat) = replies.last?.1 else {
            Issue.record("no data reply")
            return
        }
        #expect(data == [9] && stat.czxid == 3)
    }

    @Test("several writes prepared before any is persisted are applied and answered in order")
    func pipelinedWrites() {
        var h = NodeHarness()
        _ = h.openSession(1)
        let sent =
            h.send(1, 1, create("/p")) + h.send(1, 2, create("/p/s-", flags: 2))
            + h.send(1, 3, create("/p/s-", flags: 2))
            + h.send(1, 4, .setData(path: "/p", data: [1], version: 0)) + h.send(1, 5, .delete(path: "/p", version: -1))
        #expect(h.trace(sent) == ["persist 2", "persist 3", "persist 4", "persist 5", "persist 6"])
        let first = h.persist(upTo: 3)
        #expect(h.trace(first) == ["1: reply 1 zxid 2 err 0", "1: reply 2 zxid 3 err 0"])
        let rest = h.persistAll()
        let replies = h.replies(rest, to: 1)
        #expect(replies.map(\.0.xid) == [3, 4, 5])
        #expect(replies.map(\.0.err) == [0, 0, ErrorCode.notEmpty.rawValue])
        #expect(replies.first?.1 == .path("/p/s-0000000001"))
    }

    @Test("a watch notification goes out before the reply of the write that fires it")
    func notificationBeforeReply() {
        var h = NodeHarness()
        _ = h.openSession(1)
        _ = h.openSession(2)
        _ = h.write(1, 1, create("/w"))
        _ = h.send(1, 2, .getData(path: "/w", watch: true))
        _ = h.send(2, 1, .exists(path: "/w", watch: true))
        let actions = h.write(1, 3, .setData(path: "/w", data: [5], version: -1))
        #expect(
            h.trace(actions) == [
                "persist 4", "1: event NodeDataChanged /w", "2: event NodeDataChanged /w", "1: reply 3 zxid 4 err 0",
            ])
        // One-shot: a second change reaches nobody.
        #expect(
            h.trace(h.write(1, 4, .setData(path: "/w", data: [6], version: -1))) == [
                "persist 5", "1: reply 4 zxid 5 err 0",
            ])
    }

    @Test("events reach only watchers that may read the node")
    func eventsFilteredByACL() {
        var h = NodeHarness()
        _ = h.openSession(1)
        _ = h.openSession(2)
        _ = h.send(2, 1, .exists(path: "/s", watch: true))
        _ = h.send(1, -4, .auth(scheme: "digest", credentials: Array("alice:pw".utf8)))
        let actions = h.write(1, 2, create("/s", acl: ACL.creatorAll))
        #expect(h.trace(actions) == ["persist 3", "1: reply 2 zxid 3 err 0"])
        // The one-shot watch was consumed all the same.
        #expect(h.node.watches.kinds(of: 2, at: "/s") == [])
    }

    @Test("setWatches sends the missed events before its reply and registers the rest")
    func setWatches() {
        var h = NodeHarness()
        _ = h.openSession(1)
        _ = h.write(1, 1, create("/a"))
        _ = h.write(1, 2, .setData(path: "/a", data: [1], version: -1))
        let request = SetWatches(
            relativeZxid: 2, dataWatches: ["/a"], existWatches: ["/b"], childWatches: ["/"], isVersion2: false)
        let actions = h.send(1, SpecialXid.setWatches, .setWatches(request))
        #expect(h.trace(actions) == ["1: event NodeDataChanged /a", "1: reply -8 zxid 3 err 0"])
        #expect(
            h.trace(h.write(1, 3, create("/b"))) == [
                "persist 4", "1: event NodeCreated /b", "1: event NodeChildrenChanged /", "1: reply 3 zxid 4 err 0",
            ])
    }

    @Test("the reply zxid is the last applied zxid for reads and errors, the write's own for writes")
    func replyZxids() {
        var h = NodeHarness()
        _ = h.openSession(1)
        _ = h.write(1, 1, create("/a"))
        #expect(h.trace(h.send(1, 2, .getData(path: "/a", watch: false))) == ["1: reply 2 zxid 2 err 0"])
        // A failed write still takes a zxid, and its reply carries it.
        #expect(
            h.trace(h.write(1, 3, .delete(path: "/missing", version: -1))) == [
                "persist 3", "1: reply 3 zxid 3 err -101",
            ])
        #expect(h.trace(h.send(1, 4, .getData(path: "/missing", watch: false))) == ["1: reply 4 zxid 3 err -101"])
        #expect(h.trace(h.send(1, SpecialXid.ping, .ping)) == ["1: reply -2 zxid 3 err 0"])
        let sync = h.send(1, 5, .sync(path: "/a"))
        #expect(h.response(sync, to: 1) == .path("/a"))
        #expect(h.node.tree.lastProcessedZxid == 3)
    }

    @Test(
        "multi results: plain creates answer CreateResponse, containers and TTL nodes Create2Response, as Op.create does"
    )
    func multiResultTypes() {
        var h = NodeHarness { $0.extendedTypesEnabled = true }
        _ = h.openSession(1)
        let actions = h.write(
            1, 1,
            .multi([
                create("/p"), create("/q", op: .create2), create("/c1", flags: 4),
                create("/c2", flags: 4, op: .createContainer),
                create("/t", flags: 5, op: .createTTL, ttl: 100), .setData(path: "/p", data: [1], version: -1),
                .check(path: "/p", version: 1), .delete(path: "/q", version: -1),
            ]))
        guard case .multi(let results) = h.response(actions, to: 1) else {
            Issue.record("no multi response")
            return
        }
        let tree = h.node.tree
        let stat = { (path: String) in tree.stat(at: path)! }
        #expect(
            results == [
                .create(path: "/p"), .create(path: "/q"), .create2(path: "/c1", stat: stat("/c1")),
                .create2(path: "/c2", stat: stat("/c2")), .create2(path: "/t", stat: stat("/t")), .setData(stat("/p")),
                .check,
                .delete,
            ])
        #expect(h.node.tree.containers == ["/c1", "/c2"] && h.node.tree.ttlNodes == ["/t"])
    }

    @Test("a failed multi answers err 0 with per-op errors and changes nothing")
    func failedMulti() {
        var h = NodeHarness()
        _ = h.openSession(1)
        let actions = h.write(1, 1, .multi([create("/z"), .delete(path: "/missing", version: -1), create("/y")]))
        let replies = h.replies(actions, to: 1)
        #expect(replies.map(\.0) == [ReplyHeader(xid: 1, zxid: 2)])
        #expect(replies.first?.1 == .multi([.error(.ok), .error(.noNode), .error(.runtimeInconsistency)]))
        #expect(h.node.tree.node(at: "/z") == nil)
    }

    @Test("a multi mixing reads and writes fails whole with MARSHALLINGERROR, still taking its zxid")
    func multiWithRead() {
        var h = NodeHarness()
        _ = h.openSession(1)
        let actions = h.write(1, 1, .multi([create("/x"), .getData(path: "/", watch: false)]))
        #expect(h.trace(actions) == ["persist 2", "1: reply 1 zxid 2 err -5"])
        #expect(h.node.tree.node(at: "/x") == nil)
    }

    @Test("multiRead is answered at once with per-op results and sets no watch")
    func multiRead() {
        var h = NodeHarness()
        _ = h.openSession(1)
        _ = h.write(1, 1, create("/r", [4]))
        let actions = h.send(
            1, 2, .multiRead([.getData(path: "/r", watch: true), .getChildren(path: "/none", watch: true)]))
        let stat = h.node.tree.stat(at: "/r")!
        #expect(h.response(actions, to: 1) == .multi([.getData([4], stat), .error(.noNode)]))
        #expect(h.node.watches.count == 0)
    }

    // MARK: - Auth and refusals

    @Test("auth adds the identity at once; whoAmI shows it; its reply keeps its turn behind a pending write")
    func authSuccess() {
        var h = NodeHarness()
        _ = h.openSession(1)
        let sent =
            h.send(1, 1, create("/a"))
            + h.send(1, SpecialXid.auth, .auth(scheme: "digest", credentials: Array("bob:secret".utf8)))
        #expect(h.trace(sent) == ["persist 2"])
        #expect(h.trace(h.persistAll()) == ["1: reply 1 zxid 2 err 0", "1: reply -4 zxid 0 err 0"])
        let who = h.send(1, 2, .whoAmI)
        #expect(
            h.response(who, to: 1)
                == .whoAmI([
                    ClientInfo(authScheme: "ip", user: "10.0.0.1"), ClientInfo(authScheme: "digest", user: "bob"),
                ]))
        _ = h.write(1, 3, create("/mine", acl: ACL.creatorAll))
        let acl = h.send(1, 4, .getACL(path: "/mine"))
        guard case .acl(let entries, _) = h.response(acl, to: 1) else {
            Issue.record("no ACL")
            return
        }
        #expect(entries == [ACL(perms: .all, id: Id(scheme: "digest", id: "bob:fyVmFCwVbTJYrznoSu1koqYEYF0="))])
    }

    @Test("a failed auth answers AUTHFAILED with zxid 0, then closes the connection")
    func authFailure() {
        var h = NodeHarness()
        _ = h.openSession(1)
        let actions = h.send(1, SpecialXid.auth, .auth(scheme: "world", credentials: Array("anyone".utf8)))
        #expect(h.trace(actions) == ["1: reply -4 zxid 0 err -115", "close 1"])
        #expect(h.node.counters.authFailures == 1)
        #expect(h.node.connectionIDs.isEmpty)
    }

    @Test("an unsupported op answers UNIMPLEMENTED with zxid -1, then closes the connection")
    func unsupported() {
        var h = NodeHarness()
        _ = h.openSession(1)
        #expect(h.trace(h.send(1, 7, .unsupported(type: 9999))) == ["1: reply 7 zxid -1 err -6", "close 1"])
        #expect(h.node.connectionIDs.isEmpty)
    }

    @Test("reconfig is refused with RECONFIGDISABLED as a transaction, and the connection stays open")
    func reconfig() {
        var h = NodeHarness()
        _ = h.openSession(1)
        #expect(h.trace(h.send(1, 7, .unsupported(type: OpCode.reconfig.rawValue))) == ["persist 2"])
        #expect(h.trace(h.persistAll()) == ["1: reply 7 zxid 2 err -123"])
        #expect(h.node.connectionIDs == [1])
    }

    // MARK: - Sessions ending

    @Test("closeSession deletes the ephemerals, replies, then closes the connection")
    func closeSession() {
        var h = NodeHarness()
        let session = h.openSession(1)
        _ = h.openSession(2)
        _ = h.write(1, 1, create("/e", flags: 1))
        _ = h.send(2, 1, .exists(path: "/e", watch: true))
        let sent = h.send(1, 2, .closeSession)
        #expect(h.trace(sent) == ["persist 4"])
        // Nothing more is read from a closing connection.
        #expect(h.trace(h.send(1, 3, .ping)) == [])
        let applied = h.persistAll()
        #expect(h.trace(applied) == ["2: event NodeDeleted /e", "1: reply 2 zxid 4 err 0", "close 1"])
        #expect(h.node.sessions.session(session) == nil)
        #expect(h.node.tree.ephemerals.isEmpty)
    }

    @Test("an expired session loses its ephemerals, a watcher elsewhere hears NodeDeleted, and its connection closes")
    func expiry() {
        var h = NodeHarness()
        // tickTime 2000: a 4000 ms session touched at 50000 expires at the boundary 56000.
        let doomed = h.openSession(1, timeout: 4000)
        _ = h.openSession(2, timeout: 40_000)
        _ = h.write(1, 1, create("/e", flags: 1))
        _ = h.send(2, 1, .exists(path: "/e", watch: true))
        #expect(h.node.sessions.session(doomed)?.expiresAt == 56_000)
        #expect(h.trace(h.tick(after: 5999)) == [])
        let expired = h.tick(after: 1)
        #expect(h.trace(expired) == ["persist 4"])
        guard let entries = persisted(in: expired) else {
            Issue.record("no persist")
            return
        }
        #expect(entries.map(\.txn) == [.closeSession(ephemerals: ["/e"])])
        #expect(entries.first?.header.session == doomed)
        // The session is closing: its requests are dropped without a reply.
        #expect(h.trace(h.send(1, 2, .ping)) == [])
        #expect(h.trace(h.persistAll()) == ["2: event NodeDeleted /e", "close 1"])
        #expect(h.node.sessions.session(doomed) == nil)
        #expect(h.node.connectionIDs == [2])
        #expect(h.trace(h.send(2, 2, .exists(path: "/e", watch: false))) == ["2: reply 2 zxid 4 err -101"])
        // The expired session cannot come back.
        h.connect(3)
        let back = h.handshake(
            3,
            ConnectRequest(
                lastZxidSeen: 4, timeout: 4000, sessionId: doomed, password: SessionPassword.make(for: doomed)))
        #expect(h.trace(back) == ["3: connect session 0x0 timeout 0", "close 3"])
    }

    @Test("requests touch the session and push its expiry out")
    func touchKeepsAlive() {
        var h = NodeHarness()
        let session = h.openSession(1, timeout: 4000)
        h.advance(5000)
        _ = h.send(1, SpecialXid.ping, .ping)
        #expect(h.node.sessions.session(session)?.expiresAt == 60_000)
        #expect(h.trace(h.tick(after: 1000)) == [])
        #expect(h.trace(h.tick(after: 3999)) == [])
        #expect(h.trace(h.tick(after: 1)) == ["persist 2"])
    }

    @Test("a session whose connection is gone keeps its ephemerals until it expires")
    func disconnectedSession() {
        var h = NodeHarness()
        let session = h.openSession(1, timeout: 4000)
        _ = h.write(1, 1, create("/e", flags: 1))
        #expect(h.trace(h.step(.disconnected(1))) == [])
        #expect(h.node.tree.ephemerals == [session: ["/e"]])
        #expect(h.trace(h.tick(after: 6000)) == ["persist 3"])
        _ = h.persistAll()
        #expect(h.node.tree.ephemerals.isEmpty)
    }

    // MARK: - Limits

    @Test("over pendingRequestsPerSessionMax queued the node pauses reading; over twice the max it closes")
    func backpressureLimits() {
        var h = NodeHarness { $0.pendingRequestsPerSessionMax = 4 }
        _ = h.openSession(1)
        var lines: [String] = []
        for xid in Int32(1)...9 { lines += h.trace(h.send(1, xid, create("/n\(xid)"))) }
        #expect(
            lines == [
                "persist 2", "persist 3", "persist 4", "pause 1", "persist 5", "persist 6", "persist 7", "persist 8",
                "persist 9", "close 1", "persist 10",
            ])
        #expect(h.node.connectionIDs.isEmpty)
        // The writes still apply; nobody is left to answer.
        #expect(h.trace(h.persistAll()) == [])
        #expect(h.node.tree.children(of: "/")?.count == 10)
    }

    @Test("a paused connection resumes once its queue drains to half the max")
    func backpressureResume() {
        var h = NodeHarness { $0.pendingRequestsPerSessionMax = 4 }
        _ = h.openSession(1)
        var lines: [String] = []
        for xid in Int32(1)...4 { lines += h.trace(h.send(1, xid, create("/n\(xid)"))) }
        #expect(lines.filter { $0.hasPrefix("pause") } == ["pause 1"])
        #expect(
            h.trace(h.persistAll()) == [
                "1: reply 1 zxid 2 err 0", "1: reply 2 zxid 3 err 0", "resume 1", "1: reply 3 zxid 4 err 0",
                "1: reply 4 zxid 5 err 0",
            ])
    }

    // MARK: - Containers and TTL nodes

    @Test(
        "containers that had a child and expired TTL nodes are reaped every containerCheckInterval; unused containers are not"
    )
    func reaper() {
        var h = NodeHarness {
            $0.containerCheckInterval = 1000
            $0.extendedTypesEnabled = true
        }
        _ = h.openSession(1)
        _ = h.write(1, 1, create("/c", flags: 4, op: .createContainer))
        _ = h.write(1, 2, create("/c/x"))
        _ = h.write(1, 3, .delete(path: "/c/x", version: -1))
        _ = h.write(1, 4, create("/never", flags: 4, op: .createContainer))
        _ = h.write(1, 5, create("/t", flags: 5, op: .createTTL, ttl: 500))
        _ = h.write(1, 6, create("/young", flags: 5, op: .createTTL, ttl: 5000))
        _ = h.send(1, 7, .exists(path: "/c", watch: true))
        #expect(h.trace(h.tick(after: 999)) == [])
        let reap = h.tick(after: 1)
        #expect(h.trace(reap) == ["persist 8,9"])
        guard let entries = persisted(in: reap) else {
            Issue.record("no persist")
            return
        }
        #expect(entries.map(\.txn) == [.deleteContainer(path: "/c"), .deleteContainer(path: "/t")])
        #expect(entries.allSatisfy { $0.header.session == 0 })
        #expect(h.trace(h.persistAll()) == ["1: event NodeDeleted /c"])
        #expect(h.node.tree.containers == ["/never"])
        #expect(h.node.tree.ttlNodes == ["/young"])
        // The next check is an interval later; a setData renews the young TTL node.
        _ = h.write(1, 8, .setData(path: "/young", data: [1], version: -1))
        h.advance(4500)
        #expect(h.trace(h.step(.tick)) == [])
        #expect(h.trace(h.tick(after: 1000)) == ["persist 11"])
    }

    @Test("a TTL node with a child is not reaped, nor a container that still has one")
    func reaperSparesParents() {
        var h = NodeHarness {
            $0.containerCheckInterval = 1000
            $0.extendedTypesEnabled = true
        }
        _ = h.openSession(1)
        _ = h.write(1, 1, create("/t", flags: 5, op: .createTTL, ttl: 10))
        _ = h.write(1, 2, create("/t/x"))
        _ = h.write(1, 3, create("/c", flags: 4, op: .createContainer))
        _ = h.write(1, 4, create("/c/x"))
        #expect(h.trace(h.tick(after: 1000)) == [])
    }
}

/// The entries of the first persist action, if any.
private func persisted(in actions: [NodeAction]) -> [ZabEntry]? {
    for case .persist(let entries) in actions { return entries }
    return nil
}
