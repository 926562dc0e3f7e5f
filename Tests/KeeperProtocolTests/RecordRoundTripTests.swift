import Testing

@testable import KeeperProtocol

private func roundTrip(_ request: Request) throws -> Request {
    var writer = JuteWriter()
    request.write(to: &writer)
    var reader = JuteReader(writer.bytes)
    let decoded = try Request.read(type: request.opCode, from: &reader)
    #expect(reader.isAtEnd, "\(request) left \(reader.remaining) bytes")
    return decoded
}

private func roundTrip(_ response: Response, op: OpCode) throws -> Response {
    var writer = JuteWriter()
    response.write(to: &writer)
    var reader = JuteReader(writer.bytes)
    let decoded = try Response.read(op: op, from: &reader)
    #expect(reader.isAtEnd, "\(response) left \(reader.remaining) bytes")
    return decoded
}

private let sampleStat: Stat = {
    var stat = Stat()
    stat.czxid = 0x1_0000_0001
    stat.mzxid = 0x1_0000_0002
    stat.ctime = 1_700_000_000_000
    stat.mtime = 1_700_000_000_123
    stat.version = 3
    stat.cversion = -1
    stat.aversion = 7
    stat.ephemeralOwner = Int64.min
    stat.dataLength = 5
    stat.numChildren = 2
    stat.pzxid = 0x1_0000_0003
    return stat
}()

private let sampleACL = [
    ACL(perms: .all, id: .anyone),
    ACL(perms: [.read, .admin], id: Id(scheme: "digest", id: "bob:e4UOz2zs6Ly+ZGz3ZANnQQfbZAk=")),
]

@Suite("jute records round-trip")
struct RecordRoundTripTests {
    static let requests: [Request] = [
        .create(CreateRequest(op: .create, path: "/a", data: [1, 2, 3], acl: sampleACL, flags: 0)),
        .create(CreateRequest(op: .create2, path: "/a/b-", data: nil, acl: ACL.openUnsafe, flags: 3)),
        .create(CreateRequest(op: .createContainer, path: "/c", data: [], acl: ACL.openUnsafe, flags: 4)),
        .create(CreateRequest(op: .createTTL, path: "/t", data: [9], acl: ACL.openUnsafe, flags: 5, ttl: 60_000)),
        .delete(path: "/a", version: -1),
        .exists(path: "/a", watch: true),
        .getData(path: "/a", watch: false),
        .setData(path: "/a", data: Array("héllo".utf8), version: 4),
        .setData(path: "/a", data: nil, version: -1),
        .getACL(path: "/a"),
        .setACL(path: "/a", acl: sampleACL, version: 2),
        .getChildren(path: "/", watch: true),
        .getChildren2(path: "/", watch: false),
        .sync(path: "/"),
        .ping,
        .check(path: "/a", version: 1),
        .multi([
            .create(CreateRequest(op: .create, path: "/m", data: [1], acl: ACL.openUnsafe, flags: 0)),
            .setData(path: "/m", data: [2], version: 0),
            .check(path: "/m", version: 1),
            .delete(path: "/m", version: -1),
        ]),
        .multiRead([.getData(path: "/a", watch: false), .getChildren(path: "/", watch: false)]),
        .checkWatches(path: "/a", type: 3),
        .removeWatches(path: "/a", type: 1),
        .auth(scheme: "digest", credentials: Array("bob:secret".utf8)),
        .setWatches(
            SetWatches(relativeZxid: 42, dataWatches: ["/a"], existWatches: ["/b"], childWatches: [], isVersion2: false)
        ),
        .setWatches(
            SetWatches(
                relativeZxid: 42, dataWatches: ["/a"], existWatches: [], childWatches: ["/"],
                persistentWatches: ["/p"], persistentRecursiveWatches: ["/r", "/s"])),
        .getEphemerals(prefix: "/"),
        .getAllChildrenNumber(path: "/"),
        .addWatch(path: "/a", mode: 1),
        .whoAmI,
        .closeSession,
    ]

    @Test("every request body decodes to what was encoded", arguments: requests)
    func requestRoundTrip(request: Request) throws {
        #expect(try roundTrip(request) == request)
    }

    static let responses: [(Response, OpCode)] = [
        (.empty, .delete),
        (.path("/a0000000001"), .create),
        (.path("/"), .sync),
        (.created(path: "/x", stat: sampleStat), .create2),
        (.created(path: "/x", stat: sampleStat), .createTTL),
        (.stat(sampleStat), .exists),
        (.stat(sampleStat), .setData),
        (.data([0, 255, 7], sampleStat), .getData),
        (.data(nil, sampleStat), .getData),
        (.children(["a", "b", "ç"]), .getChildren),
        (.children([]), .getEphemerals),
        (.children2(["a"], sampleStat), .getChildren2),
        (.acl(sampleACL, sampleStat), .getACL),
        (.count(12), .getAllChildrenNumber),
        (.whoAmI([ClientInfo(authScheme: "ip", user: "127.0.0.1")]), .whoAmI),
        (
            .multi([
                .create(path: "/m"), .create2(path: "/n", stat: sampleStat), .delete, .setData(sampleStat), .check,
                .error(.noNode),
            ]), .multi
        ),
        (.multi([.getData([1], sampleStat), .getChildren(["z"]), .error(.noNode)]), .multiRead),
    ]

    @Test("every response body decodes to what was encoded")
    func responseRoundTrip() throws {
        for (response, op) in Self.responses {
            #expect(try roundTrip(response, op: op) == response)
        }
    }

    @Test("records outside requests round-trip")
    func otherRecords() throws {
        let connect = ConnectRequest(lastZxidSeen: 9, timeout: 30_000, sessionId: 77, password: Array(0..<16))
        #expect(try ConnectRequest.decode(connect.juteBytes()) == connect)
        let accepted = ConnectResponse(timeout: 4000, sessionId: 1 << 56, password: Array(repeating: 3, count: 16))
        #expect(try ConnectResponse.decode(accepted.juteBytes()) == accepted)
        #expect(try Stat.decode(sampleStat.juteBytes()) == sampleStat)
        #expect(sampleStat.juteBytes().count == Stat.encodedSize)
        let event = WatcherEvent(type: .nodeChildrenChanged, path: "/a")
        #expect(try WatcherEvent.decode(event.juteBytes()) == event)
        let reply = ReplyHeader(xid: 5, zxid: 99, err: .noNode)
        #expect(try ReplyHeader.decode(reply.juteBytes()) == reply)
    }
}

@Suite("jute decoding of bad input")
struct JuteBadInputTests {
    @Test("a truncated record throws rather than traps")
    func truncated() {
        let bytes = Request.getData(path: "/abc", watch: true).juteBytesForTest()
        for cut in 0..<bytes.count {
            var reader = JuteReader(Array(bytes[..<cut]))
            #expect(throws: JuteError.self) { _ = try Request.read(type: OpCode.getData.rawValue, from: &reader) }
        }
    }

    @Test("a hostile length or count is refused before allocating")
    func hostileLengths() {
        var writer = JuteWriter()
        writer.write(Int32.max)
        var reader = JuteReader(writer.bytes + [1, 2, 3])
        #expect(throws: JuteError.self) { _ = try reader.readBuffer() }
        var vectorReader = JuteReader(writer.bytes)
        #expect(throws: JuteError.self) { _ = try vectorReader.readStrings() }
        var negative = JuteWriter()
        negative.write(Int32(-7))
        var negativeReader = JuteReader(negative.bytes)
        #expect(throws: JuteError.badLength(field: "ustring", length: -7)) { _ = try negativeReader.readString() }
    }

    @Test("invalid UTF-8 in a string is an error")
    func invalidUTF8() {
        var writer = JuteWriter()
        writer.write([UInt8]([0xff, 0xfe]))
        var reader = JuteReader(writer.bytes)
        #expect(throws: JuteError.invalidUTF8(field: "ustring")) { _ = try reader.readString() }
    }

    @Test("a multi with a nested multi or an unknown op is refused")
    func badMultiOps() {
        var writer = JuteWriter()
        MultiHeader(type: OpCode.multi.rawValue, done: false, err: -1).write(to: &writer)
        var reader = JuteReader(writer.bytes)
        #expect(throws: JuteError.self) { _ = try Request.read(type: OpCode.multi.rawValue, from: &reader) }
    }

    @Test("an unknown op code decodes as unsupported, to be answered with an error")
    func unknownOp() throws {
        var reader = JuteReader([])
        #expect(try Request.read(type: 9999, from: &reader) == .unsupported(type: 9999))
        #expect(try Request.read(type: OpCode.reconfig.rawValue, from: &reader) == .unsupported(type: 16))
    }

    @Test("a null string and a null buffer read as empty and nil")
    func nulls() throws {
        var writer = JuteWriter()
        writer.write(Int32(-1))
        writer.write(Int32(-1))
        var reader = JuteReader(writer.bytes)
        #expect(try reader.readString() == "")
        #expect(try reader.readBuffer() == nil)
    }
}

extension Request {
    fileprivate func juteBytesForTest() -> [UInt8] {
        var writer = JuteWriter()
        write(to: &writer)
        return writer.bytes
    }
}
