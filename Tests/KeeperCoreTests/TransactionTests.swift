import KeeperProtocol
import Testing

@testable import KeeperCore

/// The log format: every transaction survives `bytes()` and `decode`, and a CreateTxn is laid
/// out as ZooKeeper's jute description says.
@Suite("transactions")
struct TransactionTests {
    static let session: Int64 = 0x0100_0000_0000_0001
    static let acl = [ACL(perms: .all, id: .anyone), ACL(perms: [.read, .admin], id: Who.aliceDigest)]

    static let cases: [Txn] = [
        .createSession(timeout: 30_000),
        .closeSession(ephemerals: []),
        .closeSession(ephemerals: ["/a", "/b/c"]),
        .create(path: "/p", data: [1, 2, 3], acl: acl, kind: .persistent, parentCVersion: 4),
        .create(path: "/p", data: nil, acl: ACL.openUnsafe, kind: .persistent, parentCVersion: 0),
        .create(path: "/e", data: [], acl: ACL.openUnsafe, kind: .ephemeral(session: session), parentCVersion: 1),
        .create(path: "/c", data: [9], acl: acl, kind: .container, parentCVersion: 2),
        .create(path: "/t", data: [9], acl: acl, kind: .ttl(milliseconds: NodeKind.ttlMax), parentCVersion: 3),
        .delete(path: "/p"),
        .deleteContainer(path: "/c"),
        .setData(path: "/p", data: [0xff, 0], version: 7),
        .setData(path: "/p", data: nil, version: 1),
        .setACL(path: "/p", acl: acl, version: 2),
        .check(path: "/p", version: -1),
        .error(.noNode),
        .multi([]),
        .multi([
            .create(path: "/m", data: [1], acl: acl, kind: .ephemeral(session: session), parentCVersion: 1),
            .create(path: "/m/t", data: nil, acl: acl, kind: .ttl(milliseconds: 5), parentCVersion: 1),
            .delete(path: "/x"), .setData(path: "/m", data: [2], version: 1), .check(path: "/m", version: 1),
        ]),
        .multi([.error(.ok), .error(.badVersion), .error(.runtimeInconsistency)]),
    ]

    @Test("every transaction round-trips through the log encoding", arguments: cases)
    func roundTrip(_ txn: Txn) throws {
        let entry = TxnEntry(
            header: TxnHeader(
                session: Self.session, cxid: 42, zxid: 0x5_0000_0007, time: 1_700_000_000_000, type: txn.type.rawValue),
            txn: txn)
        #expect(try TxnEntry.decode(entry.bytes()) == entry)
    }

    @Test("the txn type follows the kind of node created")
    func types() {
        #expect(Txn.create(path: "/", data: nil, acl: [], kind: .persistent, parentCVersion: 0).type == .create)
        #expect(
            Txn.create(path: "/", data: nil, acl: [], kind: .ephemeral(session: 1), parentCVersion: 0).type == .create)
        #expect(Txn.create(path: "/", data: nil, acl: [], kind: .container, parentCVersion: 0).type == .createContainer)
        #expect(
            Txn.create(path: "/", data: nil, acl: [], kind: .ttl(milliseconds: 1), parentCVersion: 0).type == .createTTL
        )
        #expect(Txn.closeSession(ephemerals: []).type.rawValue == -11)
        #expect(Txn.createSession(timeout: 1).type.rawValue == -10)
        #expect(Txn.deleteContainer(path: "/").type.rawValue == 20)
        #expect(Txn.error(.ok).type.rawValue == -1)
    }

    @Test("a CreateTxn is TxnHeader then path, data, acl, ephemeral, parentCVersion, as zookeeper.jute says")
    func createTxnGoldenBytes() {
        let entry = TxnEntry(
            header: TxnHeader(session: Self.session, cxid: 5, zxid: 0x1_0000_0002, time: 1_700_000_000_000, type: 1),
            txn: .create(
                path: "/a", data: Array("hi".utf8), acl: ACL.openUnsafe, kind: .ephemeral(session: Self.session),
                parentCVersion: 3))
        let expected =
            "0100000000000001"  // TxnHeader.clientId
            + "00000005"  // cxid
            + "0000000100000002"  // zxid
            + "0000018bcfe56800"  // time 1700000000000
            + "00000001"  // type create
            + "00000002" + "2f61"  // CreateTxn.path "/a"
            + "00000002" + "6869"  // data "hi"
            + "00000001" + "0000001f" + "00000005" + "776f726c64" + "00000006" + "616e796f6e65"  // acl
            + "01"  // ephemeral
            + "00000003"  // parentCVersion
        #expect(hex(entry.bytes()) == expected)
    }

    @Test("container and TTL creates use CreateContainerTxn and CreateTTLTxn layouts")
    func extendedCreateLayouts() {
        func body(_ txn: Txn) -> String {
            var writer = JuteWriter()
            txn.write(to: &writer)
            return hex(writer.bytes)
        }
        let prefix = "00000002" + "2f63" + "ffffffff" + "00000000"  // path "/c", null data, empty acl
        #expect(
            body(.create(path: "/c", data: nil, acl: [], kind: .container, parentCVersion: 7)) == prefix + "00000007")
        #expect(
            body(.create(path: "/c", data: nil, acl: [], kind: .ttl(milliseconds: 0x1234), parentCVersion: 7))
                == prefix + "00000007" + "0000000000001234")
    }

    @Test("a multi transaction with a nested multi or a truncated body is refused")
    func badMulti() {
        var writer = JuteWriter()
        TxnHeader(session: 1, cxid: 1, zxid: 1, time: 1, type: OpCode.multi.rawValue).write(to: &writer)
        writer.write(Int32(1))
        writer.write(OpCode.multi.rawValue)
        writer.write([UInt8]([0, 0, 0, 0]))
        #expect(throws: JuteError.self) { try TxnEntry.decode(writer.bytes) }
        let good = TxnEntry(
            header: TxnHeader(session: 1, cxid: 1, zxid: 1, time: 1, type: 1),
            txn: .create(path: "/a", data: [1], acl: ACL.openUnsafe, kind: .persistent, parentCVersion: 1))
        #expect(throws: JuteError.self) { try TxnEntry.decode(Array(good.bytes().dropLast())) }
    }
}
