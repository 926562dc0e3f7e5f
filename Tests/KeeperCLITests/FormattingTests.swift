import Foundation
import KeeperCLI
import KeeperClient
import KeeperProtocol
import Testing

@Suite("zkcli output formats")
struct FormattingTests {
    @Test("stat prints like zkCli's StatPrinter")
    func statLines() throws {
        var stat = Stat()
        stat.czxid = 0x1a
        stat.mzxid = 0x1b
        stat.pzxid = 0x1c
        stat.ctime = 0
        stat.mtime = 1_795_663_367_952
        stat.cversion = -1
        stat.version = 2
        stat.ephemeralOwner = -0x7fff_ffff_ffff_ffff - 1
        stat.dataLength = 5
        stat.numChildren = 1
        // Foundation names the zero-offset zone UTC or GMT depending on how it was made.
        let lines = StatText(timeZone: try #require(TimeZone(identifier: "UTC"))).lines(stat)
            .map { $0.replacingOccurrences(of: " GMT ", with: " UTC ") }
        #expect(
            lines == [
                "cZxid = 0x1a", "ctime = Thu Jan 01 00:00:00 UTC 1970", "mZxid = 0x1b",
                "mtime = Thu Nov 26 03:22:47 UTC 2026", "pZxid = 0x1c", "cversion = -1", "dataVersion = 2",
                "aclVersion = 0", "ephemeralOwner = 0x8000000000000000", "dataLength = 5", "numChildren = 1",
            ])
    }

    @Test("tree draws children under parents, with sizes, ephemeral marks and hidden counts")
    func tree() {
        let root = TreeNode(
            name: "/app", dataLength: 3, isEphemeral: false, childCount: 2,
            children: [
                TreeNode(
                    name: "config", dataLength: 10, isEphemeral: false, childCount: 1,
                    children: [TreeNode(name: "db", dataLength: 0, isEphemeral: true, childCount: 0)]),
                TreeNode(name: "workers", dataLength: 0, isEphemeral: false, childCount: 4),
            ])
        #expect(
            root.lines() == [
                "/app (3 bytes)",
                "├── config (10 bytes)",
                "│   └── db (0 bytes, ephemeral)",
                "└── workers (0 bytes, 4 children not shown)",
            ])
    }

    @Test("JSON dump: UTF-8 data as a string, anything else as base64, keys in a fixed order")
    func json() {
        var stat = Stat()
        stat.dataLength = 2
        let child = JSONDump.node(path: "/a/bin", data: [0xff, 0x00], stat: stat, children: [])
        let root = JSONDump.node(path: "/a", data: Array("é\"\n".utf8), stat: Stat(), children: [child])
        let text = root.rendered()
        #expect(
            text.hasPrefix(
                "{\n  \"path\": \"/a\",\n  \"data\": \"é\\\"\\n\",\n  \"encoding\": \"utf8\",\n  \"stat\": {\n"))
        #expect(text.contains("\"data\": \"/wA=\",\n      \"encoding\": \"base64\""))
        let parsed = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]
        #expect((parsed?["children"] as? [[String: Any]])?.first?["path"] as? String == "/a/bin")
        #expect(JSONValue.string("\u{1}").rendered() == "\"\\u0001\"")
    }

    @Test("history keeps the last linesMax lines in its file")
    func history() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent(
            "zkcli-history-\(UInt32.random(in: 0..<UInt32.max))"
        ).path
        defer { try? FileManager.default.removeItem(atPath: file) }
        var history = History(file: file, linesMax: 3)
        for n in 1...5 { history.add("ls /\(n)") }
        #expect(history.entries == ["ls /3", "ls /4", "ls /5"])
        #expect(History(file: file, linesMax: 3).entries == ["ls /3", "ls /4", "ls /5"])
        #expect(history.listing(last: 2) == ["1 - ls /4", "2 - ls /5"])
    }

    @Test("error lines read like zkCli's")
    func errorLines() {
        #expect(ErrorText.line(KeeperError(.noNode, path: "/a")) == "Node does not exist: /a")
        #expect(ErrorText.line(KeeperError(.nodeExists, path: "/a")) == "Node already exists: /a")
        #expect(ErrorText.line(KeeperError(.notEmpty, path: "/a")) == "Directory not empty: /a")
        #expect(ErrorText.line(KeeperError(.badVersion, path: "/a")) == "Bad version: /a")
        #expect(ErrorText.line(KeeperError(.noAuth, path: "/a")) == "Insufficient permission: /a")
        #expect(ErrorText.line(KeeperError(.authFailed, path: "/a")) == "Authentication failed")
    }
}
