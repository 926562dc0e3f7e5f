import KeeperProtocol

/// One znode as the tree stores it: ZooKeeper's StatPersisted plus data, children and an
/// interned ACL. `cversion` is the stored count of child creations, which also numbers
/// sequential children; what clients see is derived from it in `stat`.
public struct ZNode: Sendable {
    public var data: [UInt8]?
    public var aclRef: ACLTable.Ref
    public var czxid: Int64
    public var mzxid: Int64
    public var ctime: Int64
    public var mtime: Int64
    public var version: Int32 = 0
    public var cversion: Int32 = 0
    public var aversion: Int32 = 0
    public var ephemeralOwner: Int64
    public var pzxid: Int64
    public var children: Set<String> = []

    public init(data: [UInt8]?, aclRef: ACLTable.Ref, zxid: Int64, time: Int64, owner: Int64) {
        self.data = data
        self.aclRef = aclRef
        self.czxid = zxid
        self.mzxid = zxid
        self.ctime = time
        self.mtime = time
        self.ephemeralOwner = owner
        self.pzxid = zxid
    }

    public var kind: NodeKind { NodeKind(storedOwner: ephemeralOwner) }

    /// The Stat a client sees. Its cversion counts child creations and deletions alike
    /// (every child not present any more was deleted once), as `DataNode.copyStat` does.
    public var stat: Stat {
        var stat = Stat()
        stat.czxid = czxid
        stat.mzxid = mzxid
        stat.ctime = ctime
        stat.mtime = mtime
        stat.version = version
        stat.cversion = cversion &* 2 &- Int32(children.count)
        stat.aversion = aversion
        stat.ephemeralOwner = kind.clientOwner
        stat.dataLength = Int32(data?.count ?? 0)
        stat.numChildren = Int32(children.count)
        stat.pzxid = pzxid
        return stat
    }
}
