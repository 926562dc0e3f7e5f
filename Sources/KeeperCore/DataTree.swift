import KeeperProtocol

/// The tree of znodes: a map from path to node, with the side indexes ZooKeeper keeps
/// (ephemerals by session, containers, TTL nodes). It changes only through `apply` of a
/// transaction, so every replica that applies the same transactions holds the same tree.
/// Reads go through `node(at:)`; checks of permissions and versions happen before a
/// transaction exists, in `Preparer`.
public struct DataTree: Sendable {
    public internal(set) var nodes = NodeMap()
    public internal(set) var acls = ACLTable()
    public internal(set) var ephemerals: [Int64: Set<String>] = [:]
    public internal(set) var containers: Set<String> = []
    public internal(set) var ttlNodes: Set<String> = []
    /// The zxid of the last transaction applied.
    public internal(set) var lastProcessedZxid: Int64 = 0
    /// Sum of path lengths and data lengths, as ZooKeeper's approximate_data_size.
    public internal(set) var approximateDataSize: Int = 0
    /// Paths with a quota (a `/zookeeper/quota/P/zookeeper_limits` node).
    public internal(set) var quotaRoots: Set<String> = []

    /// The nodes every ZooKeeper tree starts with.
    public static let systemPaths = ["/", "/zookeeper", "/zookeeper/quota", "/zookeeper/config"]

    public init() {
        insertSystemNode("/", acl: ACL.openUnsafe)
        insertSystemNode("/zookeeper", acl: ACL.openUnsafe)
        insertSystemNode("/zookeeper/quota", acl: ACL.openUnsafe)
        insertSystemNode("/zookeeper/config", acl: ACL.readUnsafe)
        nodes["/zookeeper/config"]?.aversion = -1
    }

    /// Sets what `/zookeeper/config` holds: the ensemble's members, each server's own
    /// knowledge rather than a transaction, so its zxids and version stay 0.
    public mutating func setMembership(_ data: [UInt8]) {
        guard let node = nodes["/zookeeper/config"] else { return }
        nodes["/zookeeper/config"]?.data = data
        approximateDataSize += data.count - (node.data?.count ?? 0)
    }

    private mutating func insertSystemNode(_ path: String, acl: [ACL]) {
        let ref = acls.retain(acl)
        nodes[path] = ZNode(data: [], aclRef: ref, zxid: 0, time: 0, owner: 0)
        if let parent = PathRules.parent(of: path) {
            nodes[parent]?.children.insert(PathRules.name(of: path))
        }
        approximateDataSize += path.utf8.count
    }

    public var nodeCount: Int { nodes.count }

    public func node(at path: String) -> ZNode? { nodes[path] }

    public func acl(of node: ZNode) -> [ACL] { acls.acl(node.aclRef) }

    public func stat(at path: String) -> Stat? { nodes[path]?.stat }

    /// Children of `path`, sorted so that replies (and the simulator's traces) do not depend
    /// on hash order.
    public func children(of path: String) -> [String]? {
        nodes[path].map { $0.children.sorted() }
    }

    /// The number of nodes below `path`, at any depth.
    public func descendantCount(of path: String) -> Int? {
        guard let node = nodes[path] else { return nil }
        var count = 0
        var stack: [(String, ZNode)] = [(path, node)]
        while let (parentPath, parent) = stack.popLast() {
            for name in parent.children {
                count += 1
                let childPath = PathRules.join(parentPath, name)
                if let child = nodes[childPath], !child.children.isEmpty { stack.append((childPath, child)) }
            }
        }
        return count
    }

    /// The ephemeral nodes of `session` whose path starts with `prefix` (plain string
    /// prefix, as ZooKeeper matches it), sorted.
    public func ephemerals(of session: Int64, prefix: String) -> [String] {
        let paths = ephemerals[session] ?? []
        let trimmed = prefix.trimmingWhitespace
        guard !trimmed.isEmpty, trimmed != "/" else { return paths.sorted() }
        return paths.filter { $0.utf8.starts(with: prefix.utf8) }.sorted()
    }

    public var ephemeralCount: Int { ephemerals.values.reduce(0) { $0 + $1.count } }

    // MARK: - Changes, used only by `apply`

    mutating func insert(
        _ path: String, data: [UInt8]?, acl: [ACL], owner: Int64, parentCVersion: Int32, zxid: Int64, time: Int64
    ) throws(ErrorCode) {
        guard let parentPath = PathRules.parent(of: path) else { throw .noNode }
        // A node that exists has a parent, so this check cannot hide a missing parent.
        guard !nodes.contains(path) else { throw .nodeExists }
        let name = PathRules.name(of: path)
        let parentFound = nodes.modify(parentPath) { parent -> Bool in
            guard parent != nil else { return false }
            parent!.children.insert(name)
            // A replayed create may carry an older counter than the parent already has.
            if parentCVersion > parent!.cversion {
                parent!.cversion = parentCVersion
                parent!.pzxid = zxid
            }
            return true
        }
        guard parentFound else { throw .noNode }
        nodes[path] = ZNode(data: data, aclRef: acls.retain(acl), zxid: zxid, time: time, owner: owner)
        approximateDataSize += path.utf8.count + (data?.count ?? 0)
        index(path, owner: owner)
        quotaAfterInsert(path, bytes: data?.count ?? 0)
    }

    mutating func remove(_ path: String, zxid: Int64) throws(ErrorCode) {
        guard let parentPath = PathRules.parent(of: path), let node = nodes.removeValue(forKey: path) else {
            throw .noNode
        }
        acls.release(node.aclRef)
        approximateDataSize -= path.utf8.count + (node.data?.count ?? 0)
        unindex(path, owner: node.ephemeralOwner)
        let name = PathRules.name(of: path)
        nodes.modify(parentPath) { parent in
            parent?.children.remove(name)
            parent?.pzxid = zxid
        }
        quotaAfterRemove(path, bytes: node.data?.count ?? 0)
    }

    mutating func setData(_ path: String, data: [UInt8]?, version: Int32, zxid: Int64, time: Int64) throws(ErrorCode) {
        let growth = nodes.modify(path) { node -> Int? in
            guard node != nil else { return nil }
            let growth = (data?.count ?? 0) - (node!.data?.count ?? 0)
            node!.data = data
            node!.version = version
            node!.mzxid = zxid
            node!.mtime = time
            return growth
        }
        guard let growth else { throw .noNode }
        approximateDataSize += growth
        quotaAfterSetData(path, bytes: growth)
    }

    mutating func setACL(_ path: String, acl: [ACL], version: Int32) throws(ErrorCode) {
        guard let old = nodes[path] else { throw .noNode }
        let ref = acls.retain(acl)
        acls.release(old.aclRef)
        nodes[path]!.aclRef = ref
        nodes[path]!.aversion = version
    }

    mutating func index(_ path: String, owner: Int64) {
        switch NodeKind(storedOwner: owner) {
        case .persistent: break
        case .ephemeral(let session): ephemerals[session, default: []].insert(path)
        case .container: containers.insert(path)
        case .ttl: ttlNodes.insert(path)
        }
    }

    private mutating func unindex(_ path: String, owner: Int64) {
        switch NodeKind(storedOwner: owner) {
        case .persistent: break
        case .ephemeral(let session):
            ephemerals[session]?.remove(path)
            if ephemerals[session]?.isEmpty == true { ephemerals[session] = nil }
        case .container: containers.remove(path)
        case .ttl: ttlNodes.remove(path)
        }
    }
}

extension String {
    var trimmingWhitespace: Substring {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }
        guard let first = firstIndex(where: { !isSpace($0) }) else { return "" }
        let last = lastIndex(where: { !isSpace($0) })!
        return self[first...last]
    }
}
