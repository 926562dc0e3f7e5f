import KeeperCore
import KeeperProtocol
import Testing

@testable import KeeperNode

@Suite("KeeperNode flow control: output budget")
struct FlowControlTests {
    /// A getData reply of `/big` is about 690 bytes, so two of them spend a 1000-byte budget.
    static func harness() -> NodeHarness {
        var h = NodeHarness { $0.clientOutputBytesMax = 1000 }
        _ = h.openSession(1)
        _ = h.write(1, 1, create("/big", [UInt8](repeating: 7, count: 600)))
        return h
    }

    @Test("once clientOutputBytesMax is sent the node answers no more and pauses; .writable lets the next budget out")
    func outputBudget() {
        var h = Self.harness()
        #expect(h.trace(h.send(1, 2, .getData(path: "/big", watch: false))) == ["1: reply 2 zxid 2 err 0"])
        #expect(h.trace(h.send(1, 3, .getData(path: "/big", watch: false))) == ["1: reply 3 zxid 2 err 0", "pause 1"])
        // Requests the shell had already read wait in the queue, unanswered.
        #expect(h.trace(h.send(1, 4, .getData(path: "/big", watch: false))) == [])
        #expect(h.trace(h.send(1, 5, .getData(path: "/big", watch: false))) == [])
        #expect(h.node.status.connections.first?.queued == 2)
        #expect(h.trace(h.step(.writable(1))) == ["1: reply 4 zxid 2 err 0", "1: reply 5 zxid 2 err 0"])
        // The second budget is spent too: still paused until the next report.
        #expect(h.trace(h.step(.writable(1))) == ["resume 1"])
        #expect(h.trace(h.step(.writable(1))) == [])
    }

    @Test("a write's reply and watch events still go out on a blocked connection; the reads behind wait")
    func blockedWrites() {
        var h = Self.harness()
        _ = h.send(1, 2, .getData(path: "/big", watch: true))
        #expect(h.trace(h.send(1, 3, .getData(path: "/big", watch: false))) == ["1: reply 3 zxid 2 err 0", "pause 1"])
        _ = h.send(1, 4, .setData(path: "/big", data: [1], version: -1))
        _ = h.send(1, 5, .exists(path: "/big", watch: false))
        #expect(
            h.trace(h.persistAll()) == ["1: event NodeDataChanged /big", "1: reply 4 zxid 3 err 0"])
        #expect(h.trace(h.step(.writable(1))) == ["1: reply 5 zxid 3 err 0", "resume 1"])
    }

    @Test("an event that spends the budget pauses the connection, so the shell reports when it is taken")
    func eventSpendsBudget() {
        var h = Self.harness()
        _ = h.openSession(2)
        _ = h.send(1, 2, .getData(path: "/big", watch: true))
        let write = h.write(2, 1, .setData(path: "/big", data: [UInt8](repeating: 1, count: 600), version: -1))
        #expect(h.trace(write) == ["persist 4", "1: event NodeDataChanged /big", "2: reply 1 zxid 4 err 0"])
        _ = h.send(1, 3, .getData(path: "/big", watch: true))
        #expect(h.trace(h.send(1, 4, .exists(path: "/big", watch: false))) == [])
        #expect(h.trace(h.step(.writable(1))) == ["1: reply 4 zxid 4 err 0", "resume 1"])
    }

    @Test("a blocked connection sent twice clientOutputBytesMax in events is closed, with a notice why")
    func eventsOverrun() {
        var h = Self.harness()
        _ = h.openSession(2)
        let long = "/" + String(repeating: "x", count: 300)
        _ = h.send(1, 2, .addWatch(path: long, mode: AddWatchMode.persistent.rawValue))
        _ = h.send(1, 3, .getData(path: "/big", watch: false))
        #expect(h.trace(h.send(1, 4, .getData(path: "/big", watch: false))) == ["1: reply 4 zxid 3 err 0", "pause 1"])
        // Each event is about 330 bytes: the second takes connection 1 past 2000.
        #expect(
            h.trace(h.write(2, 1, create(long))) == [
                "persist 4", "1: event NodeCreated \(long)", "2: reply 1 zxid 4 err 0",
            ])
        let overrun = h.write(2, 2, .setData(path: long, data: [1], version: -1))
        #expect(
            h.trace(overrun) == ["persist 5", "1: event NodeDataChanged \(long)", "close 1", "2: reply 2 zxid 5 err 0"])
        let notices = overrun.compactMap { if case .notice(let notice) = $0 { notice.message } else { nil } }
        #expect(notices.first?.contains("over twice clientOutputBytesMax (1000)") == true)
        #expect(
            h.trace(h.write(2, 3, .setData(path: long, data: [2], version: -1))) == [
                "persist 6", "2: reply 3 zxid 6 err 0",
            ])
    }

    @Test("a connection blocked for longer than its session timeout is closed, with a notice naming its client")
    func stuckConnectionClosed() {
        var h = Self.harness()
        let session = h.node.session(of: 1)!
        _ = h.send(1, 2, .getData(path: "/big", watch: false))
        _ = h.send(1, 3, .getData(path: "/big", watch: false))
        for _ in 0..<5 {
            h.advance(2000)
            // Keeps the session alive, as a leader does for a follower's sessions it hears of.
            _ = h.node.sessions.touch(session, now: h.time.monotonic)
            _ = h.step(.tick)
        }
        h.advance(2000)
        let actions = h.step(.tick)
        #expect(h.trace(actions) == ["close 1"])
        let notices = actions.compactMap { if case .notice(let notice) = $0 { notice.message } else { nil } }
        #expect(notices.count == 1)
        #expect(notices.first?.contains("closing the connection from 10.0.0.1") == true)
        #expect(notices.first?.contains("clientOutputBytesMax (1000)") == true)
        #expect(h.node.connectionIDs.isEmpty)
    }

    @Test("a session whose connection blocked after its last request expires first, and the notice says why")
    func stuckSessionExpires() {
        var h = Self.harness()
        _ = h.openSession(2)
        let long = "/" + String(repeating: "x", count: 300)
        _ = h.send(1, 2, .getData(path: "/big", watch: false))
        _ = h.send(1, 3, .exists(path: long, watch: true))
        // Session 1's deadline is now 62000 (rounded up to a tick); its client then stops
        // reading, and an event it is sent spends its budget at 53000.
        h.advance(3000)
        #expect(
            h.trace(h.write(2, 1, create(long))) == [
                "persist 4", "1: event NodeCreated \(long)", "pause 1", "2: reply 1 zxid 4 err 0",
            ])
        h.advance(9000)
        let actions = h.step(.tick)
        #expect(h.trace(actions) == ["persist 5"])
        let notices = actions.compactMap { if case .notice(let notice) = $0 { notice.message } else { nil } }
        #expect(notices.count == 1)
        #expect(notices.first?.hasPrefix("expiring the session from 10.0.0.1") == true)
        #expect(h.trace(h.persistAll()) == ["close 1"])
    }

    // MARK: - globalOutstandingLimit

    @Test("over globalOutstandingLimit server-wide, connections with requests outstanding pause; idle ones may send")
    func globalOutstandingLimit() {
        var h = NodeHarness { $0.globalOutstandingLimit = 3 }
        for id in ConnectionID(1)...3 { _ = h.openSession(id) }
        var lines: [String] = []
        for xid in Int32(1)...3 { lines += h.trace(h.send(1, xid, create("/a\(xid)"))) }
        #expect(lines == ["persist 4", "persist 5", "persist 6"])
        // The fourth outstanding request is one too many: its connection pauses.
        #expect(h.trace(h.send(1, 4, create("/a4"))) == ["pause 1", "persist 7"])
        // So does the next connection that sends while the server is over; it got one in.
        #expect(h.trace(h.send(2, 1, create("/b1"))) == ["pause 2", "persist 8"])
        #expect(h.node.status.outstandingRequests == 5)
        // A read is answered at once, so it never counts; a connection answered in full
        // reads again, and so does every other once the server is back at the limit.
        #expect(h.trace(h.send(3, 1, .exists(path: "/", watch: false))) == ["3: reply 1 zxid 3 err 0"])
        #expect(
            h.trace(h.persistAll()) == [
                "1: reply 1 zxid 4 err 0", "1: reply 2 zxid 5 err 0", "resume 1", "1: reply 3 zxid 6 err 0",
                "1: reply 4 zxid 7 err 0", "2: reply 1 zxid 8 err 0", "resume 2",
            ])
        #expect(h.node.status.outstandingRequests == 0)
    }

    @Test("a closed connection's queued requests no longer count against globalOutstandingLimit")
    func globalOutstandingForgetsClosed() {
        var h = NodeHarness { $0.globalOutstandingLimit = 2 }
        _ = h.openSession(1)
        _ = h.openSession(2)
        for xid in Int32(1)...3 { _ = h.send(1, xid, create("/a\(xid)")) }
        #expect(h.node.status.outstandingRequests == 3)
        _ = h.step(.disconnected(1))
        #expect(h.node.status.outstandingRequests == 0)
        #expect(h.trace(h.send(2, 1, create("/b"))) == ["persist 6"])
    }

    // MARK: - The log's queue

    @Test("while the log's queue is full connections with writes waiting pause; an idle one may send one")
    func logQueueFull() {
        var h = NodeHarness()
        for id in ConnectionID(1)...3 { _ = h.openSession(id) }
        #expect(h.trace(h.send(1, 1, create("/a"))) == ["persist 4"])
        #expect(h.trace(h.step(.logQueue(full: true))) == ["pause 1"])
        #expect(h.node.status.counters.logQueueFulls == 1)
        // Connection 2 had nothing outstanding: its write gets in, then it waits too.
        #expect(h.trace(h.send(2, 1, create("/b"))) == ["pause 2", "persist 5"])
        // Reads never wait for the disk.
        #expect(h.trace(h.send(3, 1, .exists(path: "/", watch: false))) == ["3: reply 1 zxid 3 err 0"])
        // Answered in full, a connection may send again even while the queue is full.
        #expect(
            h.trace(h.persistAll()) == ["1: reply 1 zxid 4 err 0", "resume 1", "2: reply 1 zxid 5 err 0", "resume 2"])
        #expect(h.trace(h.step(.logQueue(full: false))) == [])
    }

    @Test(
        "a session whose connection the server paused, or that waits for its replies, does not expire; an idle one does"
    )
    func heldSessions() {
        var h = NodeHarness { $0.pendingRequestsPerSessionMax = 2 }
        _ = h.openSession(1)
        _ = h.openSession(2, timeout: 4000)
        _ = h.openSession(3, timeout: 4000)
        for xid in Int32(1)...2 { _ = h.send(1, xid, create("/a\(xid)")) }
        _ = h.send(3, 1, create("/b"))
        #expect(h.node.connectionIDs == [1, 2, 3])
        // The disk is stuck for longer than the sessions' timeouts: connection 1 is paused
        // with its queue full and stays; connection 3, not paused, waits for its reply and
        // stays; idle connection 2 expires.
        for _ in 0..<12 { _ = h.tick(after: 1000) }
        #expect(h.node.sessions.session(h.node.session(of: 1)!) != nil)
        #expect(h.node.sessions.session(h.node.session(of: 3)!) != nil)
        #expect(h.trace(h.persistAll()).contains("close 2"))
        #expect(h.node.connectionIDs == [1, 3])
    }

    @Test("a connection paused for the log and for its output budget reads again only once both are over")
    func logQueueAndOutput() {
        var h = Self.harness()
        _ = h.send(1, 2, .getData(path: "/big", watch: false))
        #expect(h.trace(h.send(1, 3, .getData(path: "/big", watch: false))) == ["1: reply 3 zxid 2 err 0", "pause 1"])
        #expect(h.trace(h.send(1, 4, create("/w"))) == ["persist 3"])
        #expect(h.trace(h.step(.logQueue(full: true))) == [])
        #expect(h.trace(h.step(.writable(1))) == [])
        #expect(h.trace(h.step(.logQueue(full: false))) == ["resume 1"])
        #expect(h.trace(h.persistAll()) == ["1: reply 4 zxid 3 err 0"])
    }

    @Test("a read that would take its session over watchesPerSessionMax fails with QUOTAEXCEEDED and sets none")
    func watchLimit() {
        var h = NodeHarness { $0.watchesPerSessionMax = 2 }
        _ = h.openSession(1)
        _ = h.openSession(2)
        for (xid, path) in ["/a", "/b"].enumerated() { _ = h.write(1, Int32(xid + 1), create(path)) }
        #expect(h.trace(h.send(1, 3, .getData(path: "/a", watch: true))) == ["1: reply 3 zxid 4 err 0"])
        #expect(h.trace(h.send(1, 4, .getChildren(path: "/a", watch: true))) == ["1: reply 4 zxid 4 err 0"])
        let quotaExceeded = ErrorCode.quotaExceeded.rawValue
        #expect(h.trace(h.send(1, 5, .exists(path: "/b", watch: true))) == ["1: reply 5 zxid 4 err \(quotaExceeded)"])
        #expect(h.trace(h.send(1, 6, .exists(path: "/c", watch: true))) == ["1: reply 6 zxid 4 err \(quotaExceeded)"])
        let setWatches = SetWatches(relativeZxid: 4, dataWatches: ["/b"], existWatches: ["/gone"])
        #expect(
            h.trace(h.send(1, SpecialXid.setWatches, .setWatches(setWatches))) == [
                "1: reply \(SpecialXid.setWatches) zxid 4 err \(quotaExceeded)"
            ])
        #expect(h.node.watches.count == 2 && h.node.watches.paths(of: 1) == ["/a"])
        // The limit is per session; a fired watch makes room again.
        #expect(h.trace(h.send(2, 1, .exists(path: "/b", watch: true))) == ["2: reply 1 zxid 4 err 0"])
        #expect(
            h.trace(h.write(2, 2, .setData(path: "/a", data: [1], version: -1))) == [
                "persist 5", "1: event NodeDataChanged /a", "2: reply 2 zxid 5 err 0",
            ])
        #expect(h.trace(h.send(1, 7, .exists(path: "/b", watch: true))) == ["1: reply 7 zxid 5 err 0"])
    }
}
