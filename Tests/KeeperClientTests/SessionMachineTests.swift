import KeeperProtocol
import Testing

@testable import KeeperClient

@Suite("Session machine")
struct SessionMachineTests {
    typealias H = SessionHarness

    @Test("a new session sends a ConnectRequest with no session id and reports connected")
    func firstHandshake() {
        var h = H()
        let start = h.machine.start(now: h.now)
        let (id, host) = H.connects(start)[0]
        #expect(host == H.hosts[0])
        let hello = h.machine.connectionEstablished(id, now: h.now)
        let request = H.connectRequest(hello)
        #expect(request?.sessionId == 0)
        #expect(request?.lastZxidSeen == 0)
        #expect(request?.timeout == 10_000)
        let after = h.machine.received(H.connectResponse(sessionID: 42, timeout: 6_000), on: id, now: h.now)
        #expect(H.events(after) == [.connected(sessionID: 42)])
        #expect(h.machine.state == .connected)
        #expect(h.machine.credentials?.timeoutMilliseconds == 6_000)
    }

    @Test("replies complete requests in FIFO order by xid")
    func fifoReplies() throws {
        var h = H()
        let id = h.connect()
        let (t1, t2) = (h.ticket(), h.ticket())
        let s1 = H.sent(h.machine.submit(.getData(path: "/a", watch: false), ticket: t1, now: h.now))
        let s2 = H.sent(h.machine.submit(.exists(path: "/b", watch: false), ticket: t2, now: h.now))
        let (x1, x2) = (s1[0].xid, s2[0].xid)
        #expect(x2 == x1 + 1)
        let r1 = h.machine.received(H.reply(xid: x1, zxid: 5, .ok, .data([1], Stat())), on: id, now: h.now)
        #expect(H.successes(r1)[t1] == .data([1], Stat()))
        let r2 = h.machine.received(H.reply(xid: x2, zxid: 6, .noNode), on: id, now: h.now)
        #expect(H.failures(r2)[t2] == .code(.noNode))
        #expect(h.machine.lastZxidSeen == 6)
    }

    @Test("a reply out of xid order drops the connection and fails what was in flight")
    func xidMismatch() {
        var h = H()
        let id = h.connect()
        let t1 = h.ticket()
        let xid = H.sent(h.machine.submit(.sync(path: "/"), ticket: t1, now: h.now))[0].xid
        let actions = h.machine.received(H.reply(xid: xid + 7), on: id, now: h.now)
        #expect(actions.contains(.closeConnection(id)))
        #expect(H.failures(actions)[t1] == .code(.connectionLoss))
        #expect(H.events(actions) == [.suspended])
        #expect(H.connects(actions).first?.1 == H.hosts[1])
    }

    @Test("special xids: pings, notifications and SetWatches replies never consume a pending request")
    func specialXids() {
        var h = H()
        let id = h.connect()
        let t1 = h.ticket()
        let xid = H.sent(h.machine.submit(.sync(path: "/"), ticket: t1, now: h.now))[0].xid
        #expect(h.machine.received(H.reply(xid: SpecialXid.ping, zxid: 9), on: id, now: h.now).isEmpty)
        #expect(h.machine.received(H.notification(.nodeCreated, "/x"), on: id, now: h.now).isEmpty)
        #expect(h.machine.received(H.reply(xid: SpecialXid.setWatches), on: id, now: h.now).isEmpty)
        let done = h.machine.received(H.reply(xid: xid, zxid: 10, .ok, .path("/")), on: id, now: h.now)
        #expect(H.successes(done)[t1] == .path("/"))
        #expect(h.machine.lastZxidSeen == 10)
    }

    @Test("pings go out after a third of the timeout without traffic")
    func pings() {
        var h = H()
        _ = h.connect(timeout: 9_000)
        #expect(H.sent(h.advance(.milliseconds(2_900))).isEmpty)
        let ping = H.sent(h.advance(.milliseconds(200)))
        #expect(ping.map(\.xid) == [SpecialXid.ping])
        #expect(ping.first?.request == .ping)
    }

    @Test("a connection silent for two thirds of the timeout is dead; the client moves to the next host")
    func deadConnection() {
        var h = H()
        let id = h.connect(timeout: 9_000)
        _ = h.advance(.milliseconds(5_900))
        let actions = h.advance(.milliseconds(200))
        #expect(actions.contains(.closeConnection(id)))
        #expect(H.events(actions) == [.suspended])
        #expect(H.connects(actions).first?.1 == H.hosts[1])
    }

    @Test("a reconnect resumes the session: id, password, last zxid; then auth, SetWatches, queued requests")
    func reconnectOrder() throws {
        var h = H(authentications: [.digest(user: "u", password: "p")])
        let first = h.connect(sessionID: 77)
        let watch = h.watcher()
        let t1 = h.ticket()
        let xid = H.sent(
            h.machine.submit(
                .getData(path: "/w", watch: true), ticket: t1, watch: WatchIntent(id: watch, kind: .data, path: "/w"),
                now: h.now)
        )
        .last!.xid
        _ = h.machine.received(H.reply(xid: xid, zxid: 33, .ok, .data([], Stat())), on: first, now: h.now)
        let lost = h.machine.connectionFailed(first, now: h.now)
        #expect(H.events(lost) == [.suspended])
        let queuedTicket = h.ticket()
        #expect(h.machine.submit(.sync(path: "/q"), ticket: queuedTicket, now: h.now).isEmpty)

        let (second, actions) = h.handshake(lost, sessionID: 77)
        let request = try #require(H.connectRequest(actions))
        #expect(request.sessionId == 77)
        #expect(request.password == Array(repeating: 7, count: 16))
        #expect(request.lastZxidSeen == 33)
        #expect(second != first)
        #expect(H.events(actions) == [.reconnected(sessionID: 77)])
        let sent = H.sent(actions)
        #expect(sent.map(\.xid) == [SpecialXid.auth, SpecialXid.setWatches, sent.last!.xid])
        #expect(sent[0].request == .auth(scheme: "digest", credentials: Array("u:p".utf8)))
        #expect(sent[1].request == .setWatches(SetWatches(relativeZxid: 33, dataWatches: ["/w"], isVersion2: false)))
        #expect(sent[2].request == .sync(path: "/q"))
    }

    @Test("a ConnectResponse with timeout 0 expires the session: calls and watchers fail, later calls too")
    func expiry() {
        var h = H()
        let first = h.connect()
        let watch = h.watcher()
        let t1 = h.ticket()
        let xid = H.sent(
            h.machine.submit(
                .exists(path: "/e", watch: true), ticket: t1, watch: WatchIntent(id: watch, kind: .exists, path: "/e"),
                now: h.now))[0].xid
        _ = h.machine.received(H.reply(xid: xid, .noNode), on: first, now: h.now)
        let lost = h.machine.connectionFailed(first, now: h.now)
        let t2 = h.ticket()
        _ = h.machine.submit(.sync(path: "/"), ticket: t2, now: h.now)
        let (_, actions) = h.handshake(lost, sessionID: 0, timeout: 0)
        #expect(H.events(actions) == [.expired])
        #expect(H.failures(actions)[t2] == .code(.sessionExpired))
        #expect(actions.contains(.endWatcher(watch, .code(.sessionExpired))))
        #expect(h.machine.state == .expired)
        let t3 = h.ticket()
        #expect(H.failures(h.machine.submit(.sync(path: "/"), ticket: t3, now: h.now))[t3] == .code(.sessionExpired))
    }

    @Test("an AUTHFAILED auth reply ends the session with authFailed")
    func authFailure() {
        var h = H()
        let id = h.connect()
        let t1 = h.ticket()
        let sent = H.sent(h.machine.authenticate(scheme: "nope", credentials: [1], ticket: t1, now: h.now))
        #expect(sent.map(\.xid) == [SpecialXid.auth])
        let actions = h.machine.received(H.reply(xid: SpecialXid.auth, zxid: 0, .authFailed), on: id, now: h.now)
        #expect(H.failures(actions)[t1] == .code(.authFailed))
        #expect(H.events(actions) == [.authFailed])
        #expect(h.machine.state == .authFailed)
    }

    @Test("requests wait while no server is reachable and fail once every host was tried")
    func queuedUntilRoundFails() {
        var h = H()
        let start = h.machine.start(now: h.now)
        let t1 = h.ticket()
        #expect(h.machine.submit(.sync(path: "/"), ticket: t1, now: h.now).isEmpty)
        let afterFirst = h.machine.connectionFailed(H.connects(start)[0].0, now: h.now)
        #expect(H.failures(afterFirst).isEmpty)
        let afterSecond = h.machine.connectionFailed(H.connects(afterFirst)[0].0, now: h.now)
        #expect(H.failures(afterSecond)[t1] == .code(.connectionLoss))
        #expect(H.connects(afterSecond).isEmpty)
        // The back-off: the next round starts after reconnectDelayMin.
        #expect(H.connects(h.advance(.milliseconds(50))).isEmpty)
        #expect(H.connects(h.advance(.milliseconds(60))).count == 1)
    }

    @Test("outstandingRequestsMax bounds requests queued and in flight")
    func outstandingBound() {
        var settings = SessionMachine.Settings()
        settings.outstandingRequestsMax = 2
        var h = H(settings: settings)
        _ = h.connect()
        let tickets = (0..<3).map { _ in h.ticket() }
        _ = h.machine.submit(.sync(path: "/"), ticket: tickets[0], now: h.now)
        _ = h.machine.submit(.sync(path: "/"), ticket: tickets[1], now: h.now)
        let third = h.machine.submit(.sync(path: "/"), ticket: tickets[2], now: h.now)
        #expect(H.failures(third)[tickets[2]] == .client(.tooManyOutstandingRequests(limit: 2)))
        #expect(H.sent(third).isEmpty)
    }

    @Test("a request larger than packetLengthMax is refused before sending")
    func packetBound() {
        var settings = SessionMachine.Settings()
        settings.packetLengthMax = 100
        var h = H(settings: settings)
        _ = h.connect()
        let t1 = h.ticket()
        let actions = h.machine.submit(
            .setData(path: "/a", data: Array(repeating: 0, count: 100), version: -1), ticket: t1, now: h.now)
        #expect(H.failures(actions)[t1] == .client(.packetTooLarge(length: 122, limit: 100)))
        #expect(H.sent(actions).isEmpty)
    }

    @Test("watchesMax bounds the watches registered")
    func watchBound() {
        var settings = SessionMachine.Settings()
        settings.watchesMax = 1
        var h = H(settings: settings)
        let id = h.connect()
        let (w1, w2) = (h.watcher(), h.watcher())
        let t1 = h.ticket()
        let xid = H.sent(
            h.machine.submit(
                .exists(path: "/a", watch: true), ticket: t1, watch: WatchIntent(id: w1, kind: .exists, path: "/a"),
                now: h.now))[0].xid
        _ = h.machine.received(H.reply(xid: xid, .ok, .stat(Stat())), on: id, now: h.now)
        let t2 = h.ticket()
        let refused = h.machine.submit(
            .exists(path: "/b", watch: true), ticket: t2, watch: WatchIntent(id: w2, kind: .exists, path: "/b"),
            now: h.now)
        #expect(H.failures(refused)[t2] == .client(.tooManyWatches(limit: 1)))
        #expect(refused.contains(.endWatcher(w2, .client(.tooManyWatches(limit: 1)))))
    }

    @Test("a one-shot watch registers on the reply and fires once")
    func oneShotWatch() {
        var h = H()
        let id = h.connect()
        let w = h.watcher()
        let t1 = h.ticket()
        let xid = H.sent(
            h.machine.submit(
                .getData(path: "/a", watch: true), ticket: t1, watch: WatchIntent(id: w, kind: .data, path: "/a"),
                now: h.now))[0].xid
        _ = h.machine.received(H.reply(xid: xid, .ok, .data(nil, Stat())), on: id, now: h.now)
        let fired = h.machine.received(H.notification(.nodeDataChanged, "/a"), on: id, now: h.now)
        #expect(H.deliveries(fired).map(\.0) == [w])
        #expect(H.deliveries(h.machine.received(H.notification(.nodeDataChanged, "/a"), on: id, now: h.now)).isEmpty)
    }

    @Test("a watching read that fails sets no watch")
    func failedWatchingRead() {
        var h = H()
        let id = h.connect()
        let w = h.watcher()
        let t1 = h.ticket()
        let xid = H.sent(
            h.machine.submit(
                .getData(path: "/a", watch: true), ticket: t1, watch: WatchIntent(id: w, kind: .data, path: "/a"),
                now: h.now))[0].xid
        let actions = h.machine.received(H.reply(xid: xid, .noNode), on: id, now: h.now)
        #expect(actions.contains(.endWatcher(w, .code(.noNode))))
        #expect(h.machine.watches.isEmpty)
    }

    @Test("close sends closeSession and ends the session on its reply")
    func close() {
        var h = H()
        let id = h.connect()
        let t1 = h.ticket()
        let sent = H.sent(h.machine.close(t1, now: h.now))
        #expect(sent.map(\.request) == [.closeSession])
        #expect(h.machine.state == .closing)
        let actions = h.machine.received(H.reply(xid: sent[0].xid), on: id, now: h.now)
        #expect(H.successes(actions)[t1] == .empty)
        #expect(H.events(actions) == [.closed])
        #expect(actions.contains(.closeConnection(id)))
        let t2 = h.ticket()
        #expect(H.failures(h.machine.submit(.sync(path: "/"), ticket: t2, now: h.now))[t2] == .client(.closed))
    }

    @Test("removing the last local watcher of a persistent watch removes it on the server")
    func persistentRemoval() {
        var h = H()
        let id = h.connect()
        let w = h.watcher()
        let t1 = h.ticket()
        let xid = H.sent(
            h.machine.submit(
                .addWatch(path: "/p", mode: 0), ticket: t1, watch: WatchIntent(id: w, kind: .persistent, path: "/p"),
                now: h.now))[0].xid
        _ = h.machine.received(H.reply(xid: xid), on: id, now: h.now)
        let removal = H.sent(h.machine.removeWatcher(w, now: h.now))
        #expect(removal.map(\.request) == [.removeWatches(path: "/p", type: WatcherType.any.rawValue)])
    }
}
