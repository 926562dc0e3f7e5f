import KeeperProtocol

/// What prep needs to know about a node: the fields its checks read.
public struct NodeSummary: Hashable, Sendable {
    public var version: Int32
    public var cversion: Int32
    public var aversion: Int32
    public var owner: Int64
    public var childCount: Int
    public var mtime: Int64
    public var acl: [ACL]

    public var kind: NodeKind { NodeKind(storedOwner: owner) }

    init(_ node: ZNode, acl: [ACL]) {
        version = node.version
        cversion = node.cversion
        aversion = node.aversion
        owner = node.ephemeralOwner
        childCount = node.children.count
        mtime = node.mtime
        self.acl = acl
    }

    init(kind: NodeKind, acl: [ACL], time: Int64) {
        version = 0
        cversion = 0
        aversion = 0
        owner = kind.storedOwner
        childCount = 0
        mtime = time
        self.acl = acl
    }
}

/// Changes that prep has decided but the tree has not applied yet (ZooKeeper's
/// outstanding ChangeRecords). Prep runs ahead of apply while transactions are on their
/// way to disk or to a quorum, and each request must be checked against the state the
/// transactions before it will leave behind.
public struct PendingChanges: Sendable {
    fileprivate struct Record: Sendable {
        var zxid: Int64
        /// nil: the node will not exist.
        var node: NodeSummary?
    }

    private var records: [String: Record] = [:]
    /// (zxid, path) in prep order, to forget records once their transaction is applied.
    private var order: [(zxid: Int64, path: String)] = []
    private var orderStart = 0

    public init() {}

    public var isEmpty: Bool { records.isEmpty }
    public var count: Int { records.count }

    /// The node at `path` as the pending changes leave it; `.some(nil)` if a pending
    /// change deletes it; nil if no pending change touches it.
    func lookup(_ path: String) -> NodeSummary?? {
        guard let record = records[path] else { return nil }
        return .some(record.node)
    }

    mutating func record(_ path: String, _ node: NodeSummary?, zxid: Int64) {
        records[path] = Record(zxid: zxid, node: node)
        order.append((zxid, path))
    }

    /// Forgets records made by transactions up to `zxid`, now in the tree, unless a later
    /// transaction changed the same path again.
    public mutating func applied(upTo zxid: Int64) {
        while orderStart < order.count, order[orderStart].zxid <= zxid {
            let (recordZxid, path) = order[orderStart]
            if records[path]?.zxid == recordZxid { records[path] = nil }
            orderStart += 1
        }
        if orderStart > 1024 && orderStart * 2 > order.count {
            order.removeFirst(orderStart)
            orderStart = 0
        }
    }

    /// The pending state of the paths a multi is about to touch, to restore if it fails.
    struct Savepoint {
        fileprivate var records: [String: Record]
        fileprivate var orderCount: Int
    }

    func savepoint() -> Savepoint { Savepoint(records: records, orderCount: order.count) }

    mutating func rollback(to savepoint: Savepoint) {
        records = savepoint.records
        order.removeLast(order.count - savepoint.orderCount)
    }

    /// Paths whose pending change leaves an ephemeral of `session`, and paths whose pending
    /// change leaves anything else (no node, or a node another session or nobody owns: the
    /// ephemeral there was deleted and the path created again); closeSession folds both into
    /// the tree's list.
    func ephemeralChanges(of session: Int64) -> (created: [String], deleted: [String]) {
        var created: [String] = []
        var deleted: [String] = []
        for (path, record) in records {
            if let node = record.node, node.owner == session {
                created.append(path)
            } else {
                deleted.append(path)
            }
        }
        return (created, deleted)
    }
}
