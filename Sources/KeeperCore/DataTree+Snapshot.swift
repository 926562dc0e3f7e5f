import KeeperProtocol

extension DataTree {
    /// A tree read back from a snapshot. Nodes come without their children sets and
    /// indexes; both are rebuilt from the paths.
    public init(restoring restored: [String: ZNode], acls lists: [ACLTable.Ref: [ACL]], lastProcessedZxid: Int64) {
        self.init()
        var nodes = restored
        var uses: [ACLTable.Ref: Int] = [:]
        var size = 0
        for (path, node) in restored {
            uses[node.aclRef, default: 0] += 1
            size += path.utf8.count + (node.data?.count ?? 0)
            nodes[path]!.children = []
        }
        for path in restored.keys {
            guard let parent = PathRules.parent(of: path) else { continue }
            nodes[parent]?.children.insert(PathRules.name(of: path))
        }
        self.nodes = nodes
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
