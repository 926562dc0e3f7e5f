/// The records of `org.apache.zookeeper.data`: identities, ACLs and node stats.

/// An identity in a scheme: world:anyone, digest:user:hash, ip:10.0.0.0/8, auth:, super:…
public struct Id: Hashable, Sendable, JuteRecord, CustomStringConvertible {
    public var scheme: String
    public var id: String

    public init(scheme: String, id: String) {
        self.scheme = scheme
        self.id = id
    }

    public static let anyone = Id(scheme: "world", id: "anyone")
    /// The placeholder that create and setACL expand into the caller's authenticated ids.
    public static let authIds = Id(scheme: "auth", id: "")

    public init(from reader: inout JuteReader) throws(JuteError) {
        scheme = try reader.readString("Id.scheme")
        id = try reader.readString("Id.id")
    }

    public func write(to writer: inout JuteWriter) {
        writer.write(scheme)
        writer.write(id)
    }

    public var description: String { "\(scheme):\(id)" }
}

public struct ACL: Hashable, Sendable, JuteRecord {
    public var perms: Permissions
    public var id: Id

    public init(perms: Permissions, id: Id) {
        self.perms = perms
        self.id = id
    }

    /// world:anyone with every permission (`ZooDefs.Ids.OPEN_ACL_UNSAFE`).
    public static let openUnsafe = [ACL(perms: .all, id: .anyone)]
    /// Every permission for the creator's authenticated ids (`CREATOR_ALL_ACL`).
    public static let creatorAll = [ACL(perms: .all, id: .authIds)]
    /// world:anyone may read (`READ_ACL_UNSAFE`).
    public static let readUnsafe = [ACL(perms: .read, id: .anyone)]

    public init(from reader: inout JuteReader) throws(JuteError) {
        perms = Permissions(rawValue: try reader.readInt32("ACL.perms"))
        id = try Id(from: &reader)
    }

    public func write(to writer: inout JuteWriter) {
        writer.write(perms.rawValue)
        id.write(to: &writer)
    }
}

/// What the server tells a client about a znode.
public struct Stat: Hashable, Sendable, JuteRecord {
    public var czxid: Int64 = 0
    public var mzxid: Int64 = 0
    public var ctime: Int64 = 0
    public var mtime: Int64 = 0
    public var version: Int32 = 0
    public var cversion: Int32 = 0
    public var aversion: Int32 = 0
    public var ephemeralOwner: Int64 = 0
    public var dataLength: Int32 = 0
    public var numChildren: Int32 = 0
    public var pzxid: Int64 = 0

    public init() {}

    public init(from reader: inout JuteReader) throws(JuteError) {
        czxid = try reader.readInt64("Stat.czxid")
        mzxid = try reader.readInt64("Stat.mzxid")
        ctime = try reader.readInt64("Stat.ctime")
        mtime = try reader.readInt64("Stat.mtime")
        version = try reader.readInt32("Stat.version")
        cversion = try reader.readInt32("Stat.cversion")
        aversion = try reader.readInt32("Stat.aversion")
        ephemeralOwner = try reader.readInt64("Stat.ephemeralOwner")
        dataLength = try reader.readInt32("Stat.dataLength")
        numChildren = try reader.readInt32("Stat.numChildren")
        pzxid = try reader.readInt64("Stat.pzxid")
    }

    public func write(to writer: inout JuteWriter) {
        writer.write(czxid)
        writer.write(mzxid)
        writer.write(ctime)
        writer.write(mtime)
        writer.write(version)
        writer.write(cversion)
        writer.write(aversion)
        writer.write(ephemeralOwner)
        writer.write(dataLength)
        writer.write(numChildren)
        writer.write(pzxid)
    }

    /// Size on the wire, for bounding vectors of stats.
    public static let encodedSize = 68
}

/// One identity a session holds, as whoAmI reports it.
public struct ClientInfo: Hashable, Sendable, JuteRecord {
    public var authScheme: String
    public var user: String

    public init(authScheme: String, user: String) {
        self.authScheme = authScheme
        self.user = user
    }

    public init(from reader: inout JuteReader) throws(JuteError) {
        authScheme = try reader.readString("ClientInfo.authScheme")
        user = try reader.readString("ClientInfo.user")
    }

    public func write(to writer: inout JuteWriter) {
        writer.write(authScheme)
        writer.write(user)
    }
}
