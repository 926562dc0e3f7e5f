import KeeperProtocol

/// Who is asking, and the zxid and time the transaction will carry.
public struct RequestContext: Sendable {
    public var session: Int64
    public var ids: [Id]
    public var zxid: Int64
    public var time: Int64

    public init(session: Int64, ids: [Id], zxid: Int64, time: Int64) {
        self.session = session
        self.ids = ids
        self.zxid = zxid
        self.time = time
    }
}

/// ZooKeeper's PrepRequestProcessor: turns a write request into the transaction every
/// replica will apply, doing all the checks (paths, ACLs, versions, existence) first, in
/// ZooKeeper's order so that the same error wins. A failed check becomes an error
/// transaction; it still takes a zxid, as in ZooKeeper.
public struct Preparer: Sendable {
    public private(set) var pending = PendingChanges()
    public var extendedTypesEnabled: Bool

    public init(extendedTypesEnabled: Bool = false) {
        self.extendedTypesEnabled = extendedTypesEnabled
    }

    /// Forgets pending changes that the tree now holds.
    public mutating func applied(upTo zxid: Int64) { pending.applied(upTo: zxid) }

    public mutating func prepare(_ request: Request, in tree: DataTree, context: RequestContext) -> Txn {
        if case .multi(let ops) = request { return prepareMulti(ops, in: tree, context: context) }
        do {
            return try prepareOp(request, in: tree, context: context)
        } catch {
            return .error(error)
        }
    }

    /// The transaction that ends `session`, deleting its ephemerals as they will be once
    /// the transactions before it are applied.
    public mutating func prepareCloseSession(_ session: Int64, in tree: DataTree, zxid: Int64) -> Txn {
        var paths = tree.ephemerals[session] ?? []
        let (created, deleted) = pending.ephemeralChanges(of: session)
        paths.formUnion(created)
        paths.subtract(deleted)
        let sorted = paths.sorted()
        for path in sorted { recordDelete(path, in: tree, zxid: zxid) }
        return .closeSession(ephemerals: sorted)
    }

    /// The reaper's delete of an empty container or an expired TTL node, re-checked
    /// against pending changes (a child on its way, a setData that renewed the TTL).
    public mutating func prepareReap(_ path: String, in tree: DataTree, zxid: Int64, time: Int64) -> Txn {
        guard let node = summary(path, in: tree) else { return .error(.noNode) }
        guard node.childCount == 0 else { return .error(.notEmpty) }
        switch node.kind {
        case .container: break
        case .ttl(let ttl): guard time - node.mtime > ttl else { return .error(.badVersion) }
        case .persistent, .ephemeral: return .error(.badVersion)
        }
        recordDelete(path, in: tree, zxid: zxid)
        return .deleteContainer(path: path)
    }

    // MARK: - Single operations

    private mutating func prepareOp(_ request: Request, in tree: DataTree, context: RequestContext) throws(ErrorCode)
        -> Txn
    {
        switch request {
        case .create(let create):
            return try prepareCreate(create, in: tree, context: context)
        case .delete(let path, let version):
            return try prepareDelete(path, version: version, in: tree, context: context)
        case .setData(let path, let data, let version):
            try validate(path)
            guard var node = summary(path, in: tree) else { throw .noNode }
            try require(.write, on: node, context)
            try check(version, against: node.version)
            node.version &+= 1
            node.mtime = context.time
            pending.record(path, node, zxid: context.zxid)
            return .setData(path: path, data: data, version: node.version)
        case .setACL(let path, let acl, let version):
            try validate(path)
            let fixed = try AccessControl.fixup(acl, ids: context.ids)
            guard var node = summary(path, in: tree) else { throw .noNode }
            try require(.admin, on: node, context)
            try check(version, against: node.aversion)
            node.aversion &+= 1
            node.acl = fixed
            pending.record(path, node, zxid: context.zxid)
            return .setACL(path: path, acl: fixed, version: node.aversion)
        case .check(let path, let version):
            try validate(path)
            guard let node = summary(path, in: tree) else { throw .noNode }
            try require(.read, on: node, context)
            try check(version, against: node.version)
            return .check(path: path, version: version)
        default:
            throw .marshallingError
        }
    }

    private mutating func prepareCreate(_ create: CreateRequest, in tree: DataTree, context: RequestContext)
        throws(ErrorCode) -> Txn
    {
        guard let mode = create.mode else { throw .badArguments }
        if mode.isTTL && !extendedTypesEnabled { throw .unimplemented }
        if mode.isTTL ? !(1...NodeKind.ttlMax).contains(create.ttl) : create.ttl >= 0 { throw .badArguments }
        guard create.path.utf8.contains(UInt8(ascii: "/")), !create.path.utf8.contains(0) else { throw .badArguments }
        let acl = try AccessControl.fixup(create.acl, ids: context.ids)
        let parentPath = PathRules.parent(of: create.path) ?? "/"
        guard var parent = summary(parentPath, in: tree) else { throw .noNode }
        try require(.create, on: parent, context)
        let path = mode.isSequential ? create.path + Self.sequenceSuffix(parent.cversion) : create.path
        try validate(path)
        guard summary(path, in: tree) == nil else { throw .nodeExists }
        guard !parent.kind.isEphemeral else { throw .noChildrenForEphemerals }
        let kind = Self.kind(of: create, mode: mode, session: context.session)
        parent.cversion &+= 1
        parent.childCount += 1
        pending.record(parentPath, parent, zxid: context.zxid)
        pending.record(path, NodeSummary(kind: kind, acl: acl, time: context.time), zxid: context.zxid)
        return .create(path: path, data: create.data, acl: acl, kind: kind, parentCVersion: parent.cversion)
    }

    private static func kind(of create: CreateRequest, mode: CreateMode, session: Int64) -> NodeKind {
        // As in ZooKeeper, the op decides: create (op 1) with the container flag makes a
        // plain persistent node.
        if create.op == .createContainer { return .container }
        if mode.isTTL { return .ttl(milliseconds: create.ttl) }
        return mode.isEphemeral ? .ephemeral(session: session) : .persistent
    }

    /// ZooKeeper's `%010d` of the parent's child-creation counter.
    static func sequenceSuffix(_ counter: Int32) -> String {
        let digits = String(counter.magnitude)
        let padded = String(repeating: "0", count: max(0, 10 - digits.count)) + digits
        return counter < 0 ? "-" + padded.dropFirst() : padded
    }

    private mutating func prepareDelete(_ path: String, version: Int32, in tree: DataTree, context: RequestContext)
        throws(ErrorCode) -> Txn
    {
        guard path.contains("/"), !path.contains("\u{0}"), !DataTree.systemPaths.contains(path) else {
            throw .badArguments
        }
        guard let parent = summary(PathRules.parent(of: path) ?? "/", in: tree) else { throw .noNode }
        try require(.delete, on: parent, context)
        guard let node = summary(path, in: tree) else { throw .noNode }
        try check(version, against: node.version)
        guard node.childCount == 0 else { throw .notEmpty }
        recordDelete(path, in: tree, zxid: context.zxid)
        return .delete(path: path)
    }

    // MARK: - Multi

    /// All of a multi's ops are checked in order against the changes of the ops before
    /// them. If one fails, nothing is kept: the ops before it report ok, the failing one
    /// its error, the ones after it runtimeInconsistency, as ZooKeeper reports them.
    private mutating func prepareMulti(_ ops: [Request], in tree: DataTree, context: RequestContext) -> Txn {
        let writes: Set<Int32> = [1, 2, 5, 13, 15, 19, 21]
        guard ops.allSatisfy({ writes.contains($0.opCode) }) else { return .error(.marshallingError) }
        let savepoint = pending.savepoint()
        var txns: [Txn] = []
        var failedAt: Int?
        for op in ops {
            if failedAt != nil {
                txns.append(.error(.runtimeInconsistency))
                continue
            }
            do {
                txns.append(try prepareOp(Self.multiItem(op), in: tree, context: context))
            } catch {
                failedAt = txns.count
                txns.append(.error(error))
            }
        }
        guard let failedAt else { return .multi(txns) }
        pending.rollback(to: savepoint)
        for i in 0..<failedAt { txns[i] = .error(.ok) }
        return .multi(txns)
    }

    /// Inside a multi a create with the container flag makes a container whatever its op,
    /// as ZooKeeper's `Op.create` picks createContainer from the mode; outside one, only op
    /// createContainer does.
    private static func multiItem(_ op: Request) -> Request {
        guard case .create(var create) = op, create.mode == .container, create.op != .createContainer else { return op }
        create.op = .createContainer
        return .create(create)
    }

    // MARK: - Helpers

    /// The node at `path` once pending changes are applied.
    private func summary(_ path: String, in tree: DataTree) -> NodeSummary? {
        if let pendingNode = pending.lookup(path) { return pendingNode }
        guard let node = tree.node(at: path) else { return nil }
        return NodeSummary(node, acl: tree.acl(of: node))
    }

    private mutating func recordDelete(_ path: String, in tree: DataTree, zxid: Int64) {
        let parentPath = PathRules.parent(of: path) ?? "/"
        if var parent = summary(parentPath, in: tree) {
            parent.childCount -= 1
            pending.record(parentPath, parent, zxid: zxid)
        }
        pending.record(path, nil, zxid: zxid)
    }

    private func validate(_ path: String) throws(ErrorCode) {
        guard PathRules.isValid(path) else { throw .badArguments }
    }

    private func require(_ permission: Permissions, on node: NodeSummary, _ context: RequestContext) throws(ErrorCode) {
        guard AccessControl.allows(node.acl, permission, for: context.ids) else { throw .noAuth }
    }

    private func check(_ expected: Int32, against actual: Int32) throws(ErrorCode) {
        guard expected == -1 || expected == actual else { throw .badVersion }
    }
}
