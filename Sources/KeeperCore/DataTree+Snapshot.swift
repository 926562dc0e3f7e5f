import KeeperProtocol

extension DataTree {
    /// A tree read back from a snapshot. Nodes come without their children sets (the
    /// codec decodes none) and indexes; both are rebuilt from the paths, in place.
    public init(restoring restored: consuming NodeMap, acls lists: [ACLTable.Ref: [ACL]], lastProcessedZxid: Int64) {
        self.init()
        nodes = restored
        var uses: [ACLTable.Ref: Int] = [:]
        var size = 0
        var paths: [String] = []
        paths.reserveCapacity(nodes.count)
        for (path, node) in nodes {
            uses[node.aclRef, default: 0] += 1
            size += path.utf8.count + (node.data?.count ?? 0)
            paths.append(path)
        }
        for path in paths {
            guard let parent = PathRules.parent(of: path) else { continue }
            nodes[parent]?.children.insert(PathRules.name(of: path))
        }
        self.acls = ACLTable(restoring: lists, uses: uses)
        self.ephemerals = [:]
        self.containers = []
        self.ttlNodes = []
        for (path, node) in nodes { index(path, owner: node.ephemeralOwner) }
        self.approximateDataSize = size
        self.lastProcessedZxid = lastProcessedZxid
        rebuildQuotaRoots()
    }
}
