import Testing

@testable import KeeperProtocol

/// Bytes as Apache ZooKeeper's Java client puts them on the wire, worked out from
/// zookeeper.jute by hand, so that a change in field order or width cannot pass unseen.
@Suite("golden bytes")
struct GoldenBytesTests {
    private func hex(_ bytes: [UInt8]) -> String {
        bytes.map { String($0, radix: 16).count == 1 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined()
    }

    @Test("a fresh session's ConnectRequest, framed")
    func connectRequest() {
        let frame = Frame.encode { ConnectRequest(timeout: 30_000).write(to: &$0) }
        let expected =
            "0000002d"  // length 45
            + "00000000"  // protocolVersion
            + "0000000000000000"  // lastZxidSeen
            + "00007530"  // timeOut 30000
            + "0000000000000000"  // sessionId
            + "00000010" + String(repeating: "00", count: 16)  // passwd
            + "00"  // readOnly
        #expect(hex(frame) == expected)
    }

    @Test("a ConnectRequest without the trailing readOnly byte is accepted")
    func connectWithoutReadOnly() throws {
        var bytes = ConnectRequest(timeout: 4000, sessionId: 5).juteBytes()
        bytes.removeLast()
        let decoded = try ConnectRequest.decode(bytes)
        #expect(decoded.sessionId == 5 && decoded.timeout == 4000 && decoded.readOnly == nil)
    }

    @Test("a ConnectResponse")
    func connectResponse() {
        let response = ConnectResponse(
            timeout: 4000, sessionId: 0x0100_0000_0000_0001, password: Array(repeating: 0xab, count: 16))
        let expected =
            "00000000" + "00000fa0" + "0100000000000001" + "00000010" + String(repeating: "ab", count: 16) + "00"
        #expect(hex(response.juteBytes()) == expected)
    }

    @Test("getData with a watch")
    func getData() {
        let frame = Frame.request(xid: 1, .getData(path: "/a", watch: true))
        #expect(hex(frame) == "0000000f" + "00000001" + "00000004" + "00000002" + "2f61" + "01")
    }

    @Test("create of an ephemeral sequential node with open ACL")
    func create() {
        let request = Request.create(
            CreateRequest(op: .create, path: "/n-", data: [0x78], acl: ACL.openUnsafe, flags: 3))
        let frame = Frame.request(xid: 7, request)
        let expected =
            "00000033" + "00000007" + "00000001"  // length 51, xid, type create
            + "00000003" + "2f6e2d"  // path
            + "00000001" + "78"  // data
            + "00000001" + "0000001f" + "00000005" + "776f726c64" + "00000006" + "616e796f6e65"  // acl
            + "00000003"  // flags
        #expect(hex(frame) == expected)
    }

    @Test("a ping and its reply")
    func ping() {
        #expect(hex(Frame.request(xid: SpecialXid.ping, .ping)) == "00000008" + "fffffffe" + "0000000b")
        let reply = Frame.reply(ReplyHeader(xid: SpecialXid.ping, zxid: 3), .empty)
        #expect(hex(reply) == "00000010" + "fffffffe" + "0000000000000003" + "00000000")
    }

    @Test("an error reply has no body")
    func errorReply() {
        var stat = Stat()
        stat.version = 1
        let reply = Frame.reply(ReplyHeader(xid: 2, zxid: 9, err: .noNode), .stat(stat))
        #expect(hex(reply) == "00000010" + "00000002" + "0000000000000009" + "ffffff9b")
    }

    @Test("a watch notification")
    func notification() {
        let frame = Frame.notification(WatcherEvent(type: .nodeDataChanged, path: "/a"))
        let expected =
            "0000001e" + "ffffffff" + "ffffffffffffffff" + "00000000" + "00000003" + "00000003" + "00000002" + "2f61"
        #expect(hex(frame) == expected)
    }

    @Test("four-letter words are recognised where a length would be")
    func fourLetterWords() {
        #expect(Frame.fourLetterWord(0x7275_6f6b) == "ruok")
        #expect(Frame.fourLetterWord(0x6d6e_7472) == "mntr")
        #expect(Frame.fourLetterWord(45) == nil)
    }
}

@Suite("path rules")
struct PathRulesTests {
    @Test(
        "valid paths",
        arguments: ["/", "/a", "/a/b", "/a.b", "/..a", "/a/...", "/zookeeper", "/ünïcode", "/a b"])
    func valid(path: String) {
        #expect(PathRules.isValid(path))
    }

    @Test(
        "invalid paths",
        arguments: [
            "", "a", "/a/", "//a", "/a//b", "/.", "/./a", "/..", "/a/..", "/a/../b", "/a\u{0}b", "/a\u{1}",
            "/a\u{7f}", "/a\u{fff5}", "/emoji\u{1F600}", "/private\u{E000}",
        ])
    func invalid(path: String) {
        #expect(!PathRules.isValid(path))
    }

    @Test("a sequential path may end with a slash")
    func sequential() {
        #expect(PathRules.isValid("/a/", sequential: true))
        #expect(!PathRules.isValid("/a/", sequential: false))
        #expect(PathRules.isValid("/ü/", sequential: true))
        #expect(PathRules.isValid("/", sequential: true))
        #expect(!PathRules.isValid("/a//", sequential: true))
        #expect(!PathRules.isValid("/a/./", sequential: true))
    }

    @Test("the reason names the rule and the position, for ASCII and other paths alike")
    func reasons() {
        #expect(throws: PathRules.Violation(reason: "empty node name specified @3", path: "/a//b")) {
            try PathRules.validate("/a//b")
        }
        #expect(throws: PathRules.Violation(reason: "empty node name specified @3", path: "/é//b")) {
            try PathRules.validate("/é//b")
        }
        #expect(throws: PathRules.Violation(reason: "invalid character @2", path: "/a\u{1F600}")) {
            try PathRules.validate("/a\u{1F600}")
        }
    }

    @Test("parent, name and join")
    func parts() {
        #expect(PathRules.parent(of: "/a/b") == "/a")
        #expect(PathRules.parent(of: "/a") == "/")
        #expect(PathRules.parent(of: "/") == nil)
        #expect(PathRules.name(of: "/a/b") == "b")
        #expect(PathRules.parent(of: "/ünï/cödé") == "/ünï")
        #expect(PathRules.name(of: "/ünï/cödé") == "cödé")
        #expect(PathRules.name(of: "/") == "")
        #expect(PathRules.join("/", "a") == "/a")
        #expect(PathRules.join("/a", "b") == "/a/b")
    }
}
