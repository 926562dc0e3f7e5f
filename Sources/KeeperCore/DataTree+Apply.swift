import KeeperProtocol

/// A change the watches must hear about. `acl` is the list the receiver needs READ in for
/// the event to be delivered: the node's for its own events, the parent's for
/// NodeChildrenChanged.
public struct TreeEvent: Hashable, Sendable {
    public var type: EventType
    public var path: String
    public var acl: [ACL]
}

/// What applying one transaction did (ZooKeeper's ProcessTxnResult).
public struct TxnOutcome: Hashable, Sendable {
    public var error: ErrorCode = .ok
    /// The created path, for a create.
    public var path: String?
    /// The node's stat after a create, setData or setACL.
    public var stat: Stat?
    /// One outcome per op of a multi.
    public var results: [TxnOutcome] = []

    public init(error: ErrorCode = .ok, path: String? = nil, stat: Stat? = nil) {
        self.error = error
        self.path = path
        self.stat = stat
    }
}

extension DataTree {
    /// Applies a transaction (ZooKeeper's `processTxn`): deterministic, using only the
    /// header's zxid and time. Returns the outcome and the events to trigger, in order.
    public mutating func apply(_ entry: TxnEntry) -> (TxnOutcome, [TreeEvent]) {
        precondition(
            entry.zxid > lastProcessedZxid || entry.zxid == 0,
            "apply of zxid \(entry.zxid) after \(lastProcessedZxid)")
        var events: [TreeEvent] = []
        let outcome = apply(entry.txn, header: entry.header, events: &events)
        if entry.zxid > lastProcessedZxid { lastProcessedZxid = entry.zxid }
        return (outcome, events)
    }

    private mutating func apply(_ txn: Txn, header: TxnHeader, events: inout [TreeEvent]) -> TxnOutcome {
        do {
            switch txn {
            case .createSession, .check:
                return TxnOutcome()
            case .closeSession(let paths):
                for path in paths { try? delete(path, zxid: header.zxid, events: &events) }
                return TxnOutcome()
            case .create(let path, let data, let acl, let kind, let parentCVersion):
                try insert(
                    path, data: data, acl: acl, owner: kind.storedOwner, parentCVersion: parentCVersion,
                    zxid: header.zxid, time: header.time)
                let parentPath = PathRules.parent(of: path) ?? "/"
                events.append(TreeEvent(type: .nodeCreated, path: path, acl: acl))
                events.append(TreeEvent(type: .nodeChildrenChanged, path: parentPath, acl: aclOfNode(parentPath)))
                return TxnOutcome(path: path, stat: stat(at: path))
            case .delete(let path), .deleteContainer(let path):
                try delete(path, zxid: header.zxid, events: &events)
                return TxnOutcome(path: path)
            case .setData(let path, let data, let version):
                try setData(path, data: data, version: version, zxid: header.zxid, time: header.time)
                events.append(TreeEvent(type: .nodeDataChanged, path: path, acl: aclOfNode(path)))
                return TxnOutcome(path: path, stat: stat(at: path))
            case .setACL(let path, let acl, let version):
                try setACL(path, acl: acl, version: version)
                return TxnOutcome(path: path, stat: stat(at: path))
            case .multi(let txns):
                return applyMulti(txns, header: header, events: &events)
            case .error(let code):
                return TxnOutcome(error: code)
            }
        } catch {
            return TxnOutcome(error: error)
        }
    }

    /// A multi whose prep failed holds only error transactions and changes nothing; one that
    /// passed applies every op under the same zxid and time.
    private mutating func applyMulti(_ txns: [Txn], header: TxnHeader, events: inout [TreeEvent]) -> TxnOutcome {
        var outcome = TxnOutcome()
        let failed = txns.contains { if case .error = $0 { return true } else { return false } }
        for txn in txns {
            if failed {
                if case .error(let code) = txn {
                    outcome.results.append(TxnOutcome(error: code))
                } else {
                    outcome.results.append(TxnOutcome(error: .ok))
                }
                continue
            }
            outcome.results.append(apply(txn, header: header, events: &events))
        }
        return outcome
    }

    private mutating func delete(_ path: String, zxid: Int64, events: inout [TreeEvent]) throws(ErrorCode) {
        guard let node = node(at: path) else { throw .noNode }
        let acl = acl(of: node)
        try remove(path, zxid: zxid)
        let parentPath = PathRules.parent(of: path) ?? "/"
        events.append(TreeEvent(type: .nodeDeleted, path: path, acl: acl))
        events.append(TreeEvent(type: .nodeChildrenChanged, path: parentPath, acl: aclOfNode(parentPath)))
    }

    private func aclOfNode(_ path: String) -> [ACL] {
        node(at: path).map { acl(of: $0) } ?? []
    }
}
