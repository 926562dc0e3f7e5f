import KeeperProtocol

@testable import KeeperCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// An environment variable, for seeds and step counts chosen on the command line.
func environment(_ name: String) -> String? {
    guard let value = getenv(name) else { return nil }
    return String(cString: value)
}

/// The digest provider built the way the server builds it.
let digestAuth = DigestAuth()

/// Identities used across the tests.
enum Who {
    static let aliceDigest = Id(scheme: "digest", id: digestAuth.digest("alice:wonderland"))
    static let bobDigest = Id(scheme: "digest", id: digestAuth.digest("bob:secret"))
    static let rootDigest = Id(scheme: "digest", id: digestAuth.digest("root:toor"))
    static let superId = Id(scheme: "super", id: "")

    static let anonymous = [Id(scheme: "ip", id: "10.0.0.1")]
    static let anonymousOther = [Id(scheme: "ip", id: "192.168.1.5")]
    static let anonymousV6 = [Id(scheme: "ip", id: "0:0:0:0:0:0:0:1")]
    static let alice = [Id(scheme: "ip", id: "10.0.0.1"), aliceDigest]
    static let bob = [Id(scheme: "ip", id: "192.168.1.5"), bobDigest]
    static let root = [Id(scheme: "ip", id: "10.0.0.1"), superId, rootDigest]
}

/// A tree built by running requests through prep and apply, one at a time, as a replica
/// would; for tests that need a few nodes in place.
struct TreeBuilder {
    var tree = DataTree()
    var preparer = Preparer(extendedTypesEnabled: true)
    var zxid: Int64 = 0
    var time: Int64 = 1_000_000

    /// Prepares and applies `request`; returns the outcome and the events it fired.
    @discardableResult
    mutating func run(
        _ request: Request, session: Int64 = 0x11, ids: [Id] = Who.anonymous
    ) -> (TxnOutcome, [TreeEvent]) {
        zxid += 1
        time += 10
        let context = RequestContext(session: session, ids: ids, zxid: zxid, time: time)
        let txn = preparer.prepare(request, in: tree, context: context)
        return commit(txn, session: session)
    }

    mutating func closeSession(_ session: Int64) -> (TxnOutcome, [TreeEvent]) {
        zxid += 1
        time += 10
        let txn = preparer.prepareCloseSession(session, in: tree, zxid: zxid)
        return commit(txn, session: session)
    }

    private mutating func commit(_ txn: Txn, session: Int64) -> (TxnOutcome, [TreeEvent]) {
        let header = TxnHeader(session: session, cxid: Int32(zxid), zxid: zxid, time: time, type: txn.type.rawValue)
        let result = tree.apply(TxnEntry(header: header, txn: txn))
        preparer.applied(upTo: zxid)
        return result
    }

    @discardableResult
    mutating func create(
        _ path: String, _ data: [UInt8]? = [], acl: [ACL] = ACL.openUnsafe, mode: CreateMode = .persistent,
        ttl: Int64 = -1, session: Int64 = 0x11, ids: [Id] = Who.anonymous
    ) -> TxnOutcome {
        let request = CreateRequest(path: path, data: data, acl: acl, mode: mode, ttl: ttl, withStat: true)
        return run(.create(request), session: session, ids: ids).0
    }
}

func create(
    _ path: String, _ data: [UInt8]? = [], acl: [ACL] = ACL.openUnsafe, flags: Int32 = 0, op: OpCode = .create,
    ttl: Int64 = -1
) -> Request {
    .create(CreateRequest(op: op, path: path, data: data, acl: acl, flags: flags, ttl: ttl))
}

func hex(_ bytes: [UInt8]) -> String {
    let digits = Array("0123456789abcdef".utf8)
    return String(decoding: bytes.flatMap { [digits[Int($0 >> 4)], digits[Int($0 & 15)]] }, as: UTF8.self)
}
