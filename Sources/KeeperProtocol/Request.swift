/// A client request after its RequestHeader: one case per op code, holding the fields of
/// the jute record that op carries (GetDataRequest, CreateRequest, …).
public enum Request: Hashable, Sendable {
    case create(CreateRequest)
    case delete(path: String, version: Int32)
    case exists(path: String, watch: Bool)
    case getData(path: String, watch: Bool)
    case setData(path: String, data: [UInt8]?, version: Int32)
    case getACL(path: String)
    case setACL(path: String, acl: [ACL], version: Int32)
    case getChildren(path: String, watch: Bool)
    case getChildren2(path: String, watch: Bool)
    case sync(path: String)
    case ping
    case check(path: String, version: Int32)
    case multi([Request])
    case multiRead([Request])
    case checkWatches(path: String, type: Int32)
    case removeWatches(path: String, type: Int32)
    case auth(scheme: String, credentials: [UInt8])
    /// GetSASLRequest: one token of a SASL exchange (the `sasl` scheme).
    case sasl(token: [UInt8])
    case setWatches(SetWatches)
    case getEphemerals(prefix: String)
    case getAllChildrenNumber(path: String)
    case addWatch(path: String, mode: Int32)
    case whoAmI
    case closeSession
    /// An op this server does not serve (reconfig, or a number it does not know);
    /// it is answered with an error, never dropped.
    case unsupported(type: Int32)

    public var opCode: Int32 {
        switch self {
        case .create(let create): return create.op.rawValue
        case .delete: return OpCode.delete.rawValue
        case .exists: return OpCode.exists.rawValue
        case .getData: return OpCode.getData.rawValue
        case .setData: return OpCode.setData.rawValue
        case .getACL: return OpCode.getACL.rawValue
        case .setACL: return OpCode.setACL.rawValue
        case .getChildren: return OpCode.getChildren.rawValue
        case .getChildren2: return OpCode.getChildren2.rawValue
        case .sync: return OpCode.sync.rawValue
        case .ping: return OpCode.ping.rawValue
        case .check: return OpCode.check.rawValue
        case .multi: return OpCode.multi.rawValue
        case .multiRead: return OpCode.multiRead.rawValue
        case .checkWatches: return OpCode.checkWatches.rawValue
        case .removeWatches: return OpCode.removeWatches.rawValue
        case .auth: return OpCode.auth.rawValue
        case .sasl: return OpCode.sasl.rawValue
        case .setWatches(let watches): return (watches.isVersion2 ? OpCode.setWatches2 : OpCode.setWatches).rawValue
        case .getEphemerals: return OpCode.getEphemerals.rawValue
        case .getAllChildrenNumber: return OpCode.getAllChildrenNumber.rawValue
        case .addWatch: return OpCode.addWatch.rawValue
        case .whoAmI: return OpCode.whoAmI.rawValue
        case .closeSession: return OpCode.closeSession.rawValue
        case .unsupported(let type): return type
        }
    }

    /// The path the request names, if any (for logs and ACL checks).
    public var path: String? {
        switch self {
        case .create(let create): return create.path
        case .delete(let path, _), .exists(let path, _), .getData(let path, _), .setData(let path, _, _),
            .getACL(let path), .setACL(let path, _, _), .getChildren(let path, _), .getChildren2(let path, _),
            .sync(let path), .check(let path, _), .checkWatches(let path, _), .removeWatches(let path, _),
            .getAllChildrenNumber(let path), .addWatch(let path, _):
            return path
        case .getEphemerals(let prefix): return prefix
        case .ping, .multi, .multiRead, .auth, .sasl, .setWatches, .whoAmI, .closeSession, .unsupported: return nil
        }
    }

    /// Whether the request changes the tree and so becomes a transaction.
    public var isWrite: Bool {
        switch self {
        case .create, .delete, .setData, .setACL, .check, .multi, .closeSession: return true
        default: return false
        }
    }
}

/// CreateRequest and CreateTTLRequest: `op` is create, create2, createContainer or createTTL,
/// and only createTTL carries `ttl` on the wire.
public struct CreateRequest: Hashable, Sendable {
    public var op: OpCode
    public var path: String
    public var data: [UInt8]?
    public var acl: [ACL]
    public var flags: Int32
    public var ttl: Int64

    public init(op: OpCode = .create, path: String, data: [UInt8]?, acl: [ACL], flags: Int32, ttl: Int64 = -1) {
        self.op = op
        self.path = path
        self.data = data
        self.acl = acl
        self.flags = flags
        self.ttl = ttl
    }

    public init(path: String, data: [UInt8]?, acl: [ACL], mode: CreateMode, ttl: Int64 = -1, withStat: Bool) {
        let op: OpCode =
            mode.isTTL ? .createTTL : mode.isContainer ? .createContainer : withStat ? .create2 : .create
        self.init(op: op, path: path, data: data, acl: acl, flags: mode.rawValue, ttl: ttl)
    }

    public var mode: CreateMode? { CreateMode(rawValue: flags) }
}

/// SetWatches and SetWatches2: the watches a client re-registers after it reconnects.
public struct SetWatches: Hashable, Sendable {
    public var relativeZxid: Int64
    public var dataWatches: [String]
    public var existWatches: [String]
    public var childWatches: [String]
    public var persistentWatches: [String]
    public var persistentRecursiveWatches: [String]
    /// SetWatches2 (op 105) carries the two persistent lists; SetWatches (op 101) does not.
    public var isVersion2: Bool

    public init(
        relativeZxid: Int64, dataWatches: [String] = [], existWatches: [String] = [], childWatches: [String] = [],
        persistentWatches: [String] = [], persistentRecursiveWatches: [String] = [], isVersion2: Bool = true
    ) {
        self.relativeZxid = relativeZxid
        self.dataWatches = dataWatches
        self.existWatches = existWatches
        self.childWatches = childWatches
        self.persistentWatches = persistentWatches
        self.persistentRecursiveWatches = persistentRecursiveWatches
        self.isVersion2 = isVersion2
    }

    public var isEmpty: Bool {
        dataWatches.isEmpty && existWatches.isEmpty && childWatches.isEmpty && persistentWatches.isEmpty
            && persistentRecursiveWatches.isEmpty
    }
}
