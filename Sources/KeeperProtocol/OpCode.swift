/// ZooKeeper's request types (`ZooDefs.OpCode`), as they appear in RequestHeader.type,
/// MultiHeader.type and TxnHeader.type.
public enum OpCode: Int32, Sendable, CaseIterable, CustomStringConvertible {
    case notification = 0
    case create = 1
    case delete = 2
    case exists = 3
    case getData = 4
    case setData = 5
    case getACL = 6
    case setACL = 7
    case getChildren = 8
    case sync = 9
    case ping = 11
    case getChildren2 = 12
    case check = 13
    case multi = 14
    case create2 = 15
    case reconfig = 16
    case checkWatches = 17
    case removeWatches = 18
    case createContainer = 19
    case deleteContainer = 20
    case createTTL = 21
    case multiRead = 22
    case auth = 100
    case setWatches = 101
    case sasl = 102
    case getEphemerals = 103
    case getAllChildrenNumber = 104
    case setWatches2 = 105
    case addWatch = 106
    case whoAmI = 107
    case createSession = -10
    case closeSession = -11
    case error = -1

    public var description: String {
        switch self {
        case .notification: return "notification"
        case .create: return "create"
        case .delete: return "delete"
        case .exists: return "exists"
        case .getData: return "getData"
        case .setData: return "setData"
        case .getACL: return "getACL"
        case .setACL: return "setACL"
        case .getChildren: return "getChildren"
        case .sync: return "sync"
        case .ping: return "ping"
        case .getChildren2: return "getChildren2"
        case .check: return "check"
        case .multi: return "multi"
        case .create2: return "create2"
        case .reconfig: return "reconfig"
        case .checkWatches: return "checkWatches"
        case .removeWatches: return "removeWatches"
        case .createContainer: return "createContainer"
        case .deleteContainer: return "deleteContainer"
        case .createTTL: return "createTTL"
        case .multiRead: return "multiRead"
        case .auth: return "auth"
        case .setWatches: return "setWatches"
        case .sasl: return "sasl"
        case .getEphemerals: return "getEphemerals"
        case .getAllChildrenNumber: return "getAllChildrenNumber"
        case .setWatches2: return "setWatches2"
        case .addWatch: return "addWatch"
        case .whoAmI: return "whoAmI"
        case .createSession: return "createSession"
        case .closeSession: return "closeSession"
        case .error: return "error"
        }
    }
}

/// The xids the protocol reserves for traffic that is not a numbered request.
public enum SpecialXid {
    public static let notification: Int32 = -1
    public static let ping: Int32 = -2
    public static let auth: Int32 = -4
    public static let setWatches: Int32 = -8
}
