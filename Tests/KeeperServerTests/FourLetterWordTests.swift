import Foundation
import KeeperCore
import KeeperProtocol
import NIOCore
import Testing

@testable import KeeperNode
@testable import KeeperServer

@Suite("four-letter words")
struct FourLetterWordTests {
    private func ask(_ word: String, port: Int) throws -> String {
        let connection = try RawConnection(port: port)
        try connection.send(Array(word.utf8))
        return String(decoding: try connection.receiveAll(), as: UTF8.self)
    }

    @Test("ruok, isro and srvr answer in ZooKeeper's format")
    func basics() async throws {
        try await withServer { server in
            let ruokAnswer = try ask("ruok", port: server.port)
            #expect(ruokAnswer == "imok")
            let isroAnswer = try ask("isro", port: server.port)
            #expect(isroAnswer == "rw")
            let srvr = try ask("srvr", port: server.port)
            let lines = srvr.split(separator: "\n").map(String.init)
            #expect(lines.first?.hasPrefix("Zookeeper version: 3.8.0") == true)
            #expect(lines.contains("Mode: standalone"))
            #expect(lines.contains("Zxid: 0x0"))
            #expect(lines.contains("Node count: 4"))
        }
    }

    @Test("mntr is tab-separated zk_ keys with live counts")
    func mntr() async throws {
        try await withServer { server in
            let connection = try RawConnection(port: server.port)
            _ = try connection.handshake()
            let mntr = try ask("mntr", port: server.port)
            var values: [String: String] = [:]
            for line in mntr.split(separator: "\n") {
                let parts = line.split(separator: "\t", maxSplits: 1)
                #expect(parts.count == 2, "line \(line)")
                values[String(parts[0])] = String(parts[1])
            }
            #expect(values["zk_server_state"] == "standalone")
            #expect(values["zk_znode_count"] == "4")
            #expect(values["zk_global_sessions"] == "1")
            #expect(values["zk_num_alive_connections"] == "2")
        }
    }

    @Test("dirs counts the bytes of the snapshot and log files")
    func dirs() async throws {
        let directory = NSTemporaryDirectory() + "/corral-dirs-\(UInt64.random(in: 0...UInt64.max))"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try await withServer({ $0.dataDir = directory }) { server in
            let connection = try RawConnection(port: server.port)
            _ = try connection.handshake()
            let create = Request.create(CreateRequest(path: "/sized", data: [1, 2, 3], acl: ACL.openUnsafe, flags: 0))
            let (header, _) = try connection.call(xid: 1, create)
            #expect(header.err == 0)
            let answer = try ask("dirs", port: server.port)
            let sizes = answer.split(separator: "\n").compactMap { $0.split(separator: " ").last.flatMap { Int($0) } }
            #expect(sizes.count == 2, "\(answer)")
            // The log file holds the create (and is preallocated); both directories share dataDir.
            #expect(sizes.allSatisfy { $0 > 0 }, "\(answer)")
        }
    }

    @Test("conf, cons, stat, wchs and envi answer")
    func others() async throws {
        try await withServer { server in
            let confAnswer = try ask("conf", port: server.port)
            #expect(confAnswer.contains("tickTime=100\n"))
            let consAnswer = try ask("cons", port: server.port)
            #expect(consAnswer.contains("/127.0.0.1:"))
            let statAnswer = try ask("stat", port: server.port)
            #expect(statAnswer.contains("Clients:\n"))
            let wchsAnswer = try ask("wchs", port: server.port)
            #expect(wchsAnswer.hasSuffix("Total watches:0\n"))
            let enviAnswer = try ask("envi", port: server.port)
            #expect(enviAnswer.hasPrefix("Environment:\nzookeeper.version=3.8.0"))
        }
    }

    @Test("a word outside the whitelist gets ZooKeeper's refusal")
    func whitelist() async throws {
        try await withServer({ $0.fourLetterWords = ["srvr"] }) { server in
            let ruokAnswer = try ask("ruok", port: server.port)
            #expect(ruokAnswer == "ruok is not executed because it is not in the whitelist.\n")
            let srvrAnswer = try ask("srvr", port: server.port)
            #expect(srvrAnswer.hasPrefix("Zookeeper version"))
            let dumpAnswer = try ask("dump", port: server.port)
            #expect(dumpAnswer == "dump is not executed because it is not in the whitelist.\n")
        }
        let parsed = try ConfigParser.parse("4lw.commands.whitelist=dump, ruok", file: "t.conf")
        #expect(parsed.config.fourLetterWords == ["srvr", "dump", "ruok"])
    }

    @Test("dump lists the sessions by expiry, their ephemerals and the connections, as ZooKeeper does")
    func dump() async throws {
        try await withServer({ $0.tickTime = 1000 }) { server in
            let owner = try RawConnection(port: server.port)
            let ownerSession = try owner.handshake(timeout: 4000).sessionId
            for path in ["/e2", "/e1"] {
                let create = Request.create(CreateRequest(path: path, data: [], acl: ACL.openUnsafe, flags: 1))
                #expect(try owner.call(xid: 1, create).0.error == .ok)
            }
            let idle = try RawConnection(port: server.port)
            let idleSession = try idle.handshake(timeout: 10_000).sessionId
            let hex = { (session: Int64) in "0x" + String(UInt64(bitPattern: session), radix: 16) }
            var lines = try ask("dump", port: server.port).split(separator: "\n", omittingEmptySubsequences: false)
                .map(String.init)[...]
            #expect(lines.first == "SessionTracker dump:")
            lines.removeFirst()
            // 4000 ms and 10000 ms from now fall in two buckets, in that order.
            let sessionBuckets = try Self.expirySets("Session", &lines)
            #expect(sessionBuckets == [["\t" + hex(ownerSession)], ["\t" + hex(idleSession)]])
            let ephemerals = ["Sessions with Ephemerals (1):", "\(hex(ownerSession)):", "\t/e1", "\t/e2"]
            #expect(Array(lines.prefix(6)) == ["ephemeral nodes dump:"] + ephemerals + ["Connections dump:"])
            lines.removeFirst(6)
            // The owner's, the idle session's and dump's own connection, in buckets 10 s wide.
            let connections = try Self.expirySets("Connections", &lines).joined().map { line in
                let match = try #require(line.wholeMatch(of: #/\tip: /127\.0\.0\.1:\d+ sessionId: (0x[0-9a-f]+)/#))
                return String(match.1)
            }
            #expect(Set(connections) == [hex(ownerSession), hex(idleSession), "0x0"])
            #expect(lines == [""])
        }
    }

    /// Reads ZooKeeper's ExpiryQueue dump (`<kind> Sets (B)/(N):`, then B buckets of
    /// `n expire at DATE:` and n members) off the front of `lines`; returns the buckets.
    private static func expirySets(_ kind: String, _ lines: inout ArraySlice<String>) throws -> [[String]] {
        let first = lines.popFirst() ?? ""
        let header = try #require(
            first.wholeMatch(of: try Regex("\(kind) Sets \\((\\d+)\\)/\\((\\d+)\\):")), "\(first)")
        let bucketCount = Int(header.output[1].substring!)!
        let memberCount = Int(header.output[2].substring!)!
        var buckets: [[String]] = []
        for _ in 0..<bucketCount {
            let line = lines.popFirst() ?? ""
            let bucket = try #require(
                line.wholeMatch(of: #/(\d+) expire at [A-Z][a-z]{2} [A-Z][a-z]{2} \d{2} \d{2}:\d{2}:\d{2} \S+ \d{4}:/#),
                "\(line)")
            let count = Int(bucket.1)!
            buckets.append(Array(lines.prefix(count)))
            lines.removeFirst(count)
        }
        #expect(buckets.joined().count == memberCount)
        return buckets
    }
}

/// `dump`'s text for given sessions, ephemerals and connections, to the character.
@Suite("dump format")
struct DumpFormatTests {
    /// Sessions touched at 1000 ms on the monotonic clock, tickTime 500: 0x11 and 0x33 with
    /// 4000 ms expire in the bucket at 5500 ms, 0x22 with 10000 ms at 11500 ms.
    let now = NodeTime(wall: 1_800_000_000_000, monotonic: 1_000)
    let sessions: SessionTable
    let ephemerals: [Int64: Set<String>] = [0x22: ["/b", "/a"], 0x11: ["/c"]]
    let connections = [
        ConnectionStatus(
            id: 1, address: "127.0.0.1", session: 0x11, timeout: 4000, queued: 0, stats: ConnectionStats()),
        ConnectionStatus(id: 2, address: "127.0.0.1", session: 0, timeout: 0, queued: 0, stats: ConnectionStats()),
    ]
    let words: FourLetterWords

    init() {
        var sessions = SessionTable(tickTime: 500)
        for (id, timeout) in [(0x22, 10_000), (0x33, 4000), (0x11, 4000)] as [(Int64, Int32)] {
            sessions.add(id, timeout: timeout, now: 1_000)
        }
        self.sessions = sessions
        let heardAt = NIODeadline.uptimeNanoseconds(1_000_000_000)
        words = FourLetterWords(
            config: KeeperConfig(), uptime: .now(),
            remotes: [
                1: ClientRemote(address: "127.0.0.1", port: 5001, heardAt: heardAt),
                2: ClientRemote(address: "127.0.0.1", port: 5002, heardAt: heardAt),
            ])
    }

    private func status(_ mode: String, serving: Bool = true) -> NodeStatus {
        NodeStatus(
            zxid: 0, nodeCount: 4, approximateDataSize: 0, ephemeralCount: 3, sessionCount: 3, watchCount: 0,
            watchedPathCount: 0, watchingConnectionCount: 0, outstandingRequests: 0, counters: ServerCounters(),
            connections: connections, mode: mode, serving: serving, epoch: 1, lastLoggedZxid: 0, followers: [])
    }

    /// The date ZooKeeper prints for a deadline on the monotonic clock.
    private func date(_ deadline: Int64) -> String {
        FourLetterWords.javaDate(now.wall + deadline - now.monotonic)
    }

    private var rest: String {
        """
        ephemeral nodes dump:
        Sessions with Ephemerals (2):
        0x11:
        \t/c
        0x22:
        \t/a
        \t/b
        Connections dump:
        Connections Sets (2)/(2):
        1 expire at \(date(10_000)):
        \tip: /127.0.0.1:5001 sessionId: 0x11
        1 expire at \(date(20_000)):
        \tip: /127.0.0.1:5002 sessionId: 0x0

        """
    }

    @Test(
        "a leader or a standalone server lists its sessions in their expiry buckets",
        arguments: ["leader", "standalone"])
    func expiring(mode: String) {
        let expected = """
            SessionTracker dump:
            Session Sets (2)/(3):
            2 expire at \(date(5_500)):
            \t0x11
            \t0x33
            1 expire at \(date(11_500)):
            \t0x22

            """
        #expect(words.dump(status(mode), sessions: sessions, ephemerals: ephemerals, now: now) == expected + rest)
    }

    @Test("a follower lists every session with its timeout")
    func follower() {
        let expected = """
            SessionTracker dump:
            Global Sessions(3):
            0x11\t4000ms
            0x22\t10000ms
            0x33\t4000ms

            """
        #expect(words.dump(status("follower"), sessions: sessions, ephemerals: ephemerals, now: now) == expected + rest)
    }

    @Test("a server that is not serving says so")
    func notServing() {
        #expect(
            words.dump(status("looking", serving: false), sessions: sessions, ephemerals: ephemerals, now: now)
                == "This ZooKeeper instance is not currently serving requests\n")
    }

    @Test("dates read as java.util.Date prints them")
    func javaDate() {
        let text = FourLetterWords.javaDate(1_800_000_000_000)
        #expect(text.wholeMatch(of: #/(Thu|Fri) Jan (14|15) \d{2}:\d{2}:\d{2} \S+ 2027/#) != nil, "\(text)")
    }
}
