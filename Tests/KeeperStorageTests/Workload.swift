import CorralSim
import KeeperCore
import KeeperProtocol

/// A stream of real transactions (prepared and applied as the server does) with the tree as
/// it stands after each one, so that a recovered state can be compared with the truth.
struct Workload {
    private(set) var entries: [TxnEntry] = []
    /// trees[z] is the tree after applying every entry up to zxid z.
    private(set) var trees: [DataTree] = [DataTree()]
    private(set) var sessions: [[Int64: Int32]] = [[:]]

    init(count: Int, seed: UInt64) {
        var random = SeededRandom(seed: seed)
        var preparer = Preparer(extendedTypesEnabled: true)
        var tree = DataTree()
        var live: [Int64: Int32] = [:]
        for zxid in Int64(1)...Int64(count) {
            let (txn, session) = Self.next(&random, &preparer, tree, live, zxid: zxid)
            let entry = TxnEntry(
                header: TxnHeader(
                    session: session, cxid: Int32(zxid), zxid: zxid, time: 1_700_000_000_000 + zxid,
                    type: txn.type.rawValue),
                txn: txn)
            _ = tree.apply(entry)
            preparer.applied(upTo: zxid)
            if case .createSession(let timeout) = txn { live[session] = timeout }
            if case .closeSession = txn { live[session] = nil }
            entries.append(entry)
            trees.append(tree)
            sessions.append(live)
        }
    }

    private static func next(
        _ random: inout SeededRandom, _ preparer: inout Preparer, _ tree: DataTree, _ live: [Int64: Int32], zxid: Int64
    ) -> (Txn, Int64) {
        let sessionIds: [Int64] = [0x100, 0x101, 0x102]
        let session = sessionIds[Int(random.next() % 3)]
        if live[session] == nil { return (.createSession(timeout: 4000), session) }
        let context = RequestContext(session: session, ids: [], zxid: zxid, time: 1_700_000_000_000 + zxid)
        let name = "/n\(random.next() % 40)"
        let data = [UInt8](repeating: UInt8(zxid & 0xff), count: Int(random.next() % 200))
        let request: Request
        switch random.next() % 10 {
        case 0, 1, 2:
            request = .create(
                CreateRequest(path: name, data: data, acl: ACL.openUnsafe, flags: Int32(random.next() % 4)))
        case 3, 4:
            request = .setData(path: name, data: data, version: -1)
        case 5:
            request = .delete(path: name, version: -1)
        case 6:
            request = .multi([
                .create(CreateRequest(path: name + "m", data: data, acl: ACL.openUnsafe, flags: 0)),
                .setData(path: name, data: data, version: -1),
            ])
        case 7:
            return (preparer.prepareCloseSession(session, in: tree, zxid: zxid), session)
        default:
            request = .create(CreateRequest(path: "/", data: data, acl: ACL.openUnsafe, flags: 2))
        }
        return (preparer.prepare(request, in: tree, context: context), session)
    }
}

/// Every node with its data and full stat, for comparing trees.
func fingerprint(_ tree: DataTree) -> [String] {
    tree.nodes.keys.sorted().map { path in
        let node = tree.node(at: path)!
        return "\(path) \(node.data ?? []) \(node.stat) \(tree.acl(of: node))"
    }
}
