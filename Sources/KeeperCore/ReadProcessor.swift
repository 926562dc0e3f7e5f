import KeeperProtocol

/// Who is reading: the connection that holds any watch the read sets, the session (for
/// getEphemerals) and the identities ACL checks use.
public struct Reader: Sendable {
    public var watcher: WatchRegistry.Watcher
    public var session: Int64
    public var ids: [Id]

    public init(watcher: WatchRegistry.Watcher, session: Int64, ids: [Id]) {
        self.watcher = watcher
        self.session = session
        self.ids = ids
    }
}

/// The requests that do not change the tree, answered from the local replica in the
/// connection's order (ZooKeeper's FinalRequestProcessor for reads, plus the watch
/// operations). Checks and error codes follow ZooKeeper 3.8: a read needs READ on the node,
/// getACL READ or ADMIN; exists needs nothing (3.8.0 to 3.8.3 check no ACL for it, and
/// clients written for them rely on that), and on a missing node it sets an exist watch. A
/// read that would take its session over the registry's watchesPerWatcherMax fails with
/// QUOTAEXCEEDED instead, after every other check, and sets no watch.
public enum ReadProcessor {
    public static func read(
        _ request: Request, tree: DataTree, watches: inout WatchRegistry, by reader: Reader
    ) -> Result<Response, ErrorCode> {
        do {
            return .success(try answer(request, tree: tree, watches: &watches, by: reader))
        } catch {
            return .failure(error)
        }
    }

    private static func answer(
        _ request: Request, tree: DataTree, watches: inout WatchRegistry, by reader: Reader
    ) throws(ErrorCode) -> Response {
        switch request {
        case .exists(let path, let watch):
            guard !path.contains("\u{0}") else { throw .badArguments }
            guard let node = tree.node(at: path) else {
                if watch { try register([(.data, path)], in: &watches, for: reader.watcher) }
                throw .noNode
            }
            if watch { try register([(.data, path)], in: &watches, for: reader.watcher) }
            return .stat(node.stat)
        case .getData(let path, let watch):
            let node = try readable(path, tree, reader)
            if watch { try register([(.data, path)], in: &watches, for: reader.watcher) }
            return .data(node.data, node.stat)
        case .getChildren(let path, let watch), .getChildren2(let path, let watch):
            let node = try readable(path, tree, reader)
            if watch { try register([(.child, path)], in: &watches, for: reader.watcher) }
            let children = node.children.sorted()
            if case .getChildren = request { return .children(children) }
            return .children2(children, node.stat)
        case .getACL(let path):
            guard let node = tree.node(at: path) else { throw .noNode }
            let acl = tree.acl(of: node)
            try require([.read, .admin], acl, reader)
            let mayAdmin = AccessControl.allows(acl, .admin, for: reader.ids)
            return .acl(mayAdmin ? acl : AccessControl.redacted(acl), node.stat)
        case .getAllChildrenNumber(let path):
            _ = try readable(path, tree, reader)
            return .count(Int32(clamping: tree.descendantCount(of: path) ?? 0))
        case .getEphemerals(let prefix):
            return .children(tree.ephemerals(of: reader.session, prefix: prefix))
        case .multiRead(let ops):
            return .multi(try multiRead(ops, tree: tree, reader))
        case .sync(let path):
            return .path(path)
        case .whoAmI:
            return .whoAmI(reader.ids.map(clientInfo))
        case .addWatch(let path, let mode):
            guard let mode = AddWatchMode(rawValue: mode) else { throw .marshallingError }
            try register([(mode == .persistent ? .persistent : .recursive, path)], in: &watches, for: reader.watcher)
            return .errorResponse(.ok)
        case .removeWatches(let path, let type):
            guard watches.remove(try kinds(type), for: reader.watcher, at: path) != [] else { throw .noWatcher }
            return .empty
        case .checkWatches(let path, let type):
            guard !watches.kinds(of: reader.watcher, at: path).isDisjoint(with: try kinds(type)) else {
                throw .noWatcher
            }
            return .empty
        case .ping:
            return .empty
        default:
            throw .marshallingError
        }
    }

    /// Sets the watches a request asks for, all or none: over the watcher's allowance the
    /// request fails with QUOTAEXCEEDED (the code ZooKeeper 3.7+ gives a hard quota, which
    /// the Java client and kazoo raise as QuotaExceeded) and sets nothing.
    private static func register(
        _ plan: [(kinds: WatchRegistry.Kinds, path: String)], in watches: inout WatchRegistry,
        for watcher: WatchRegistry.Watcher
    ) throws(ErrorCode) {
        guard watches.admits(plan, for: watcher) else { throw .quotaExceeded }
        for watch in plan { watches.add(watch.kinds, for: watcher, at: watch.path) }
    }

    /// multiRead runs each op on its own: a failure is that op's result, not the request's.
    /// It sets no watches.
    private static func multiRead(_ ops: [Request], tree: DataTree, _ reader: Reader) throws(ErrorCode) -> [MultiResult]
    {
        var results: [MultiResult] = []
        for op in ops {
            switch op {
            case .getData(let path, _):
                results.append(
                    result { () throws(ErrorCode) in
                        let node = try readable(path, tree, reader)
                        return .getData(node.data, node.stat)
                    })
            case .getChildren(let path, _):
                results.append(
                    result { () throws(ErrorCode) in
                        .getChildren(try readable(path, tree, reader).children.sorted())
                    })
            default:
                throw .marshallingError
            }
        }
        return results
    }

    private static func result(_ body: () throws(ErrorCode) -> MultiResult) -> MultiResult {
        do { return try body() } catch { return .error(error) }
    }

    /// The watches removeWatches and checkWatches address: children 1, data 2, any 3.
    /// Persistent watches answer to all three.
    private static func kinds(_ type: Int32) throws(ErrorCode) -> WatchRegistry.Kinds {
        switch WatcherType(rawValue: type) {
        case .children: return [.child, .persistent, .recursive]
        case .data: return [.data, .persistent, .recursive]
        case .any: return [.data, .child, .persistent, .recursive]
        default: throw .marshallingError
        }
    }

    private static func readable(_ path: String, _ tree: DataTree, _ reader: Reader) throws(ErrorCode) -> ZNode {
        guard let node = tree.node(at: path) else { throw .noNode }
        try require(.read, tree.acl(of: node), reader)
        return node
    }

    private static func require(_ permission: Permissions, _ acl: [ACL], _ reader: Reader) throws(ErrorCode) {
        guard AccessControl.allows(acl, permission, for: reader.ids) else { throw .noAuth }
    }

    /// whoAmI's line for an identity: digest shows the user name only.
    static func clientInfo(_ id: Id) -> ClientInfo {
        switch id.scheme {
        case "digest":
            let user = id.id.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)[0]
            return ClientInfo(authScheme: "digest", user: String(user))
        default:
            return ClientInfo(authScheme: id.scheme, user: id.id)
        }
    }

    /// Re-registers a reconnecting client's watches, and returns the events it missed
    /// while away (ZooKeeper's `DataTree.setWatches`): changes after `relativeZxid` fire
    /// at once instead of registering. Over the watcher's allowance it throws
    /// QUOTAEXCEEDED, registering nothing and reporting no missed event.
    public static func setWatches(
        _ request: SetWatches, tree: DataTree, watches: inout WatchRegistry, watcher: WatchRegistry.Watcher
    ) throws(ErrorCode) -> [WatcherEvent] {
        var missed: [WatcherEvent] = []
        var plan: [(kinds: WatchRegistry.Kinds, path: String)] = []
        for path in request.dataWatches {
            if let node = tree.node(at: path) {
                if node.mzxid > request.relativeZxid {
                    missed.append(WatcherEvent(type: .nodeDataChanged, path: path))
                } else {
                    plan.append((.data, path))
                }
            } else {
                missed.append(WatcherEvent(type: .nodeDeleted, path: path))
            }
        }
        for path in request.existWatches {
            if tree.node(at: path) != nil {
                missed.append(WatcherEvent(type: .nodeCreated, path: path))
            } else {
                plan.append((.data, path))
            }
        }
        for path in request.childWatches {
            if let node = tree.node(at: path) {
                if node.pzxid > request.relativeZxid {
                    missed.append(WatcherEvent(type: .nodeChildrenChanged, path: path))
                } else {
                    plan.append((.child, path))
                }
            } else {
                missed.append(WatcherEvent(type: .nodeDeleted, path: path))
            }
        }
        plan += request.persistentWatches.map { (.persistent, $0) }
        plan += request.persistentRecursiveWatches.map { (.recursive, $0) }
        try register(plan, in: &watches, for: watcher)
        return missed
    }
}
