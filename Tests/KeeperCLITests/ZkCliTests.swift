import Foundation
import KeeperCLI
import KeeperClient
import KeeperProtocol
import KeeperTestSupport
import Testing

/// zkcli run in-process against a server, with a captured terminal.
@Suite("zkcli against a server", .enabled(if: TestServers.available, Comment(rawValue: TestServers.unavailableReason)))
struct ZkCliTests {
    struct Result {
        let status: Int32
        let out: String
        let err: String
    }

    /// Runs one zkcli invocation (or a shell fed `input`) on `servers`.
    static func zkcli(
        _ servers: String, _ arguments: [String], auth: [String] = [], input: [String]? = nil,
        historyFile: String? = nil
    ) async -> Result {
        let terminal = CapturedTerminal()
        let options = ZkCli.Options(
            servers: servers, auth: auth, sessionTimeout: .seconds(6), connectTimeout: .seconds(5),
            historyFile: historyFile, statText: StatText(timeZone: TimeZone(identifier: "UTC")!))
        let (lines, feed) = AsyncStream<String>.makeStream()
        for line in input ?? [] { feed.yield(line) }
        feed.finish()
        let status = await ZkCli.run(
            options, arguments: arguments, terminal: terminal, input: lines, showsPrompt: false)
        return Result(status: status, out: terminal.stdout, err: terminal.stderr)
    }

    /// A test subtree and a `zkcli` bound to it.
    func withZkcli(_ body: (_ zk: @escaping ([String]) async -> Result, _ servers: String) async throws -> Void)
        async throws
    {
        try await TestServers.withTestRoot("cli") { hosts, root in
            let servers = hosts + root
            try await body({ await Self.zkcli(servers, $0) }, servers)
        }
    }

    @Test("create, ls, get, set, stat, delete print what zkCli prints")
    func basics() async throws {
        try await withZkcli { zk, _ in
            #expect(await zk(["create", "/a", "hello"]).out == "Created /a\n")
            #expect(await zk(["create", "-s", "/a/n-"]).out == "Created /a/n-0000000000\n")
            #expect(await zk(["ls", "/"]).out == "[a]\n")
            #expect(await zk(["ls", "/a"]).out == "[n-0000000000]\n")
            #expect(await zk(["get", "/a"]).out == "hello\n")
            let set = await zk(["set", "-s", "/a", "world"])
            #expect(set.status == 0)
            #expect(set.out.contains("dataVersion = 1\n"))
            let stat = await zk(["stat", "/a"])
            #expect(stat.out.hasPrefix("cZxid = 0x"))
            #expect(stat.out.contains("\ndataLength = 5\nnumChildren = 1\n"))
            let getStat = await zk(["get", "-s", "/a"])
            #expect(getStat.out.hasPrefix("world\ncZxid = 0x"))
            let lsStat = await zk(["ls", "-s", "/a"])
            #expect(lsStat.out.hasPrefix("[n-0000000000]\ncZxid = 0x"))
            #expect(await zk(["ls", "-R", "/a"]).out == "/a\n/a/n-0000000000\n")
            #expect(await zk(["delete", "/a/n-0000000000"]).status == 0)
            #expect(await zk(["sync", "/a"]).out == "Sync is OK\n")
            #expect(await zk(["delete", "-v", "1", "/a"]).status == 0)
            #expect(await zk(["ls", "/"]).out == "[]\n")
        }
    }

    @Test("failures print one zkCli-style line on stderr and exit non-zero")
    func failures() async throws {
        try await withZkcli { zk, _ in
            _ = await zk(["create", "/a"])
            _ = await zk(["create", "/a/b"])
            let cases: [([String], String)] = [
                (["get", "/missing"], "Node does not exist: /missing\n"),
                (["create", "/a"], "Node already exists: /a\n"),
                (["delete", "/a"], "Directory not empty: /a\n"),
                (["set", "-v", "7", "/a", "x"], "Bad version: /a\n"),
                (["stat", "/missing"], "Node does not exist: /missing\n"),
            ]
            for (arguments, message) in cases {
                let result = await zk(arguments)
                #expect(result.status == 1, "\(arguments)")
                #expect(result.err == message)
                #expect(result.out.isEmpty)
            }
            _ = await zk(["setAcl", "/a", "world:anyone:r"])
            let denied = await zk(["set", "/a", "x"])
            #expect(denied.err == "Insufficient permission: /a\n")
            let usage = await zk(["ls"])
            #expect(usage.status == 2)
            #expect(usage.err == "Usage: ls [-s] [-R] [-w] path\n")
        }
    }

    @Test("ACLs: getAcl prints zkCli's lines; --auth and addauth act with credentials")
    func acls() async throws {
        try await withZkcli { zk, servers in
            _ = await zk(["create", "/a"])
            #expect(await zk(["getAcl", "/a"]).out == "'world,'anyone\n: cdrwa\n")
            let digest = Id.digest(user: "alice", password: "pw").id
            #expect(await zk(["setAcl", "/a", "digest:\(digest):cdrwa,world:anyone:r"]).status == 0)
            // Without ADMIN the server redacts digest ids to user:x.
            #expect(await zk(["getAcl", "/a"]).out == "'digest,'alice:x\n: cdrwa\n'world,'anyone\n: r\n")
            let admin = await Self.zkcli(servers, ["getAcl", "/a"], auth: ["digest:alice:pw"])
            #expect(admin.out == "'digest,'\(digest)\n: cdrwa\n'world,'anyone\n: r\n")
            #expect(await zk(["set", "/a", "x"]).err == "Insufficient permission: /a\n")
            let withAuth = await Self.zkcli(servers, ["set", "/a", "x"], auth: ["digest:alice:pw"])
            #expect(withAuth.status == 0)
            #expect(await zk(["get", "/a"]).out == "x\n")
            let shell = await Self.zkcli(
                servers, [], input: ["set /a y", "addauth digest alice:pw", "set /a z", "get /a"])
            #expect(shell.err == "Insufficient permission: /a\n")
            #expect(shell.out == "z\n")
            #expect(await Self.zkcli(servers, ["whoami"], auth: ["digest:alice:pw"]).out.contains("digest: alice\n"))
        }
    }

    @Test("create modes: ephemeral (gone after the invocation), container, TTL")
    func createModes() async throws {
        try await withZkcli { zk, _ in
            #expect(await zk(["create", "-e", "/e"]).out == "Created /e\n")
            #expect(await zk(["stat", "/e"]).err == "Node does not exist: /e\n")
            #expect(await zk(["create", "-c", "/c"]).status == 0)
            #expect(await zk(["create", "-t", "60000", "/t", "x"]).status == 0)
            #expect(await zk(["get", "/t"]).out == "x\n")
        }
    }

    @Test("deleteall removes a subtree; tree and dump show one")
    func subtrees() async throws {
        try await withZkcli { zk, servers in
            _ = await zk(["create", "/a", "abc"])
            _ = await zk(["create", "/a/b"])
            _ = await zk(["create", "/a/b/c", "0123456789"])
            _ = await zk(["create", "/a/d"])
            #expect(
                await zk(["tree", "/a"]).out
                    == "/a (3 bytes)\n├── b (0 bytes)\n│   └── c (10 bytes)\n└── d (0 bytes)\n")
            #expect(
                await zk(["tree", "--depth", "1", "/a"]).out
                    == "/a (3 bytes)\n├── b (0 bytes, 1 children not shown)\n└── d (0 bytes)\n")
            let client = try await KeeperClient.connect(servers, configuration: TestServers.testConfiguration())
            try await client.setData("/a/d", data: [0xff, 0xfe, 0x00])
            await client.close()
            let dump = await zk(["dump", "/a", "--json"])
            let json = try #require(try JSONSerialization.jsonObject(with: Data(dump.out.utf8)) as? [String: Any])
            #expect(json["path"] as? String == "/a")
            #expect(json["data"] as? String == "abc")
            #expect(json["encoding"] as? String == "utf8")
            #expect((json["stat"] as? [String: Any])?["numChildren"] as? Int == 2)
            let children = try #require(json["children"] as? [[String: Any]])
            #expect(children.map { $0["path"] as? String } == ["/a/b", "/a/d"])
            #expect(children[1]["data"] as? String == "//4A")
            #expect(children[1]["encoding"] as? String == "base64")
            #expect(await zk(["deleteall", "/a"]).status == 0)
            #expect(await zk(["ls", "/"]).out == "[]\n")
        }
    }

    /// The sessions the server (the first of `servers`, a connect string with a chroot)
    /// lists as watching `path`, by asking it `wchp`.
    static func watchers(of path: String, servers: String) async throws -> Set<String> {
        let slash = servers.firstIndex(of: "/") ?? servers.endIndex
        let first = servers[..<slash].split(separator: ",")[0].split(separator: ":")
        let fullPath = String(servers[slash...]) + path
        let lines = try await FourLetterWord.ask("wchp", host: String(first[0]), port: Int(first[1])!).split(
            separator: "\n")
        guard let at = lines.firstIndex(of: Substring(fullPath)) else { return [] }
        return Set(lines[(at + 1)...].prefix { $0.hasPrefix("\t") }.map { $0.trimmingCharacters(in: .whitespaces) })
    }

    /// Waits until a session other than `earlier` watches `path`.
    static func waitForNewWatcher(of path: String, servers: String, besides earlier: Set<String>) async throws {
        try await withTimeout {
            while try await watchers(of: path, servers: servers).subtracting(earlier).isEmpty {
                try await Task.sleep(for: .milliseconds(20))
            }
        }
    }

    @Test("watch prints events until interrupted: one-shot watches re-armed, or recursive with -R")
    func watch() async throws {
        try await withZkcli { _, servers in
            let client = try await KeeperClient.connect(servers, configuration: TestServers.testConfiguration())
            try await client.create("/w")
            for recursive in [false, true] {
                let terminal = CapturedTerminal()
                let interrupts = Interrupts()
                let options = ZkCli.Options(servers: servers, historyFile: nil)
                let arguments = recursive ? ["watch", "-R", "/w"] : ["watch", "/w"]
                let earlier = try await Self.watchers(of: "/w", servers: servers)
                let running = Task {
                    await ZkCli.run(
                        options, arguments: arguments, terminal: terminal, input: AsyncStream<String> { $0.finish() },
                        showsPrompt: false, interrupts: interrupts)
                }
                let expected = recursive ? 3 : 2
                for step in 0..<expected {
                    // Each change waits for the previous event, so re-armed watches see them all.
                    try await withTimeout {
                        while terminal.stdout.split(separator: "\n").count < step {
                            try await Task.sleep(for: .milliseconds(20))
                        }
                    }
                    if step == 0 {
                        // Later steps use watches set at the start (or persistent ones). The
                        // previous round's zkcli may still be closing, its watch still listed.
                        try await Self.waitForNewWatcher(of: "/w", servers: servers, besides: earlier)
                    } else {
                        try await Task.sleep(for: .milliseconds(200))
                    }
                    switch step {
                    case 0: try await client.setData("/w", data: [1])
                    case 1: try await client.create("/w/child\(recursive)")
                    default: try await client.setData("/w/child\(recursive)", data: [2])
                    }
                }
                try await withTimeout {
                    while terminal.stdout.split(separator: "\n").count < expected {
                        try await Task.sleep(for: .milliseconds(20))
                    }
                }
                while !interrupts.interrupt() { try await Task.sleep(for: .milliseconds(10)) }
                #expect(await running.value == 0)
                let lines = terminal.stdout.split(separator: "\n").map(String.init)
                if recursive {
                    #expect(
                        lines == [
                            "WatchedEvent state:SyncConnected type:NodeDataChanged path:/w",
                            "WatchedEvent state:SyncConnected type:NodeCreated path:/w/childtrue",
                            "WatchedEvent state:SyncConnected type:NodeDataChanged path:/w/childtrue",
                        ])
                } else {
                    #expect(
                        lines == [
                            "WatchedEvent state:SyncConnected type:NodeDataChanged path:/w",
                            "WatchedEvent state:SyncConnected type:NodeChildrenChanged path:/w",
                        ])
                }
            }
            await client.close()
        }
    }

    @Test("watch: an event right after another is not lost, and a deletion is reported once")
    func watchBursts() async throws {
        try await withZkcli { _, servers in
            let client = try await KeeperClient.connect(servers, configuration: TestServers.testConfiguration())
            try await client.create("/q")
            let terminal = CapturedTerminal()
            let interrupts = Interrupts()
            let earlier = try await Self.watchers(of: "/q", servers: servers)
            let running = Task {
                await ZkCli.run(
                    ZkCli.Options(servers: servers, historyFile: nil), arguments: ["watch", "/q"], terminal: terminal,
                    input: AsyncStream<String> { $0.finish() }, showsPrompt: false, interrupts: interrupts)
            }
            try await Self.waitForNewWatcher(of: "/q", servers: servers, besides: earlier)
            // Each change goes to a watch that was set before the last line was printed (zkcli
            // prints an event only after setting the other watch), so none can be missed.
            // With watches abandoned and set again after every event, the create that
            // follows the first line raced with setting the child watch again.
            let changes: [() async throws -> Void] = [
                { try await client.setData("/q", data: [1]) },
                { try await client.create("/q/c") },
                { try await client.setData("/q", data: [2]) },
                { try await client.delete("/q/c") },
                { try await client.delete("/q") },
            ]
            for (done, change) in changes.enumerated() {
                try await withTimeout {
                    while terminal.stdout.split(separator: "\n").count < done {
                        try await Task.sleep(for: .milliseconds(20))
                    }
                }
                try await change()
            }
            try await withTimeout {
                while !terminal.stdout.contains("NodeDeleted") { try await Task.sleep(for: .milliseconds(20)) }
            }
            // A deletion fires the data and the child watch: one line, not two.
            try await Task.sleep(for: .milliseconds(300))
            while !interrupts.interrupt() { try await Task.sleep(for: .milliseconds(10)) }
            #expect(await running.value == 0)
            #expect(
                terminal.stdout.split(separator: "\n").map(String.init) == [
                    "WatchedEvent state:SyncConnected type:NodeDataChanged path:/q",
                    "WatchedEvent state:SyncConnected type:NodeChildrenChanged path:/q",
                    "WatchedEvent state:SyncConnected type:NodeDataChanged path:/q",
                    "WatchedEvent state:SyncConnected type:NodeChildrenChanged path:/q",
                    "WatchedEvent state:SyncConnected type:NodeDeleted path:/q",
                ])
            await client.close()
        }
    }

    @Test("the shell: same grammar, help, history kept in a file, errors do not end it")
    func shell() async throws {
        try await withZkcli { _, servers in
            let file = FileManager.default.temporaryDirectory.appendingPathComponent(
                "zkcli-history-\(UInt32.random(in: 0..<UInt32.max))"
            ).path
            defer { try? FileManager.default.removeItem(atPath: file) }
            let result = await Self.zkcli(
                servers, [],
                input: ["create /s 'two words'", "get /s", "get /missing", "", "history", "help", "quit", "ls /"],
                historyFile: file)
            #expect(result.err == "Node does not exist: /missing\n")
            let lines = result.out.split(separator: "\n").map(String.init)
            #expect(
                Array(lines.prefix(6)) == [
                    "Created /s", "two words", "0 - create /s 'two words'", "1 - get /s", "2 - get /missing",
                    "3 - history",
                ])
            #expect(lines.contains("\tcreate [-e] [-s] [-c] [-t ttl] path [data] [acl]"))
            #expect(!lines.contains("[s]"))
            #expect(History(file: file).entries.suffix(2) == ["help", "quit"])
        }
    }

    @Test("get -w: one-shot waits for the event; the shell prints it later, as zkCli's WATCHER")
    func getWatch() async throws {
        try await withZkcli { zk, servers in
            _ = await zk(["create", "/a", "v1"])
            let client = try await KeeperClient.connect(servers, configuration: TestServers.testConfiguration())
            let oneShot = Task { await Self.zkcli(servers, ["get", "-w", "/a"]) }
            try await Self.waitForNewWatcher(of: "/a", servers: servers, besides: [])
            try await client.setData("/a", data: Array("v2".utf8))
            let result = try await withTimeout { await oneShot.value }
            #expect(result.out == "v1\nWatchedEvent state:SyncConnected type:NodeDataChanged path:/a\n")

            let terminal = CapturedTerminal()
            let (lines, feed) = AsyncStream<String>.makeStream()
            let options = ZkCli.Options(servers: servers, historyFile: nil)
            let shell = Task {
                await ZkCli.run(options, arguments: [], terminal: terminal, input: lines, showsPrompt: true)
            }
            feed.yield("get -w /a")
            try await withTimeout {
                while !terminal.stdout.contains("v2") { try await Task.sleep(for: .milliseconds(20)) }
            }
            try await Self.waitForNewWatcher(of: "/a", servers: servers, besides: [])
            try await client.setData("/a", data: Array("v3".utf8))
            try await withTimeout {
                while !terminal.stdout.contains("WATCHER::") { try await Task.sleep(for: .milliseconds(20)) }
            }
            feed.finish()
            #expect(await shell.value == 0)
            #expect(terminal.stdout.hasPrefix("[zk: \(servers)(CONNECTED) 0] v2\n[zk: \(servers)(CONNECTED) 1] "))
            #expect(
                terminal.stdout.contains("WATCHER::\n\nWatchedEvent state:SyncConnected type:NodeDataChanged path:/a\n")
            )
            await client.close()
        }
    }

    @Test("an unreachable server fails with one line")
    func unreachable() async throws {
        let proxy = try await TCPProxy.start(upstream: try await TestServers.hosts())
        proxy.refuse(true)
        let terminal = CapturedTerminal()
        let options = ZkCli.Options(servers: proxy.hosts, connectTimeout: .milliseconds(500), historyFile: nil)
        let status = await ZkCli.run(
            options, arguments: ["ls", "/"], terminal: terminal, input: AsyncStream<String> { $0.finish() },
            showsPrompt: false)
        #expect(status == 1)
        #expect(terminal.stderr == "Could not connect to \(proxy.hosts)\n")
        await proxy.stop()
    }
}
