/// ZooKeeper's result codes (`KeeperException.Code`), carried in ReplyHeader.err,
/// MultiHeader.err and ErrorTxn. A struct rather than an enum so that a code this
/// build does not know still travels intact.
public struct ErrorCode: RawRepresentable, Hashable, Sendable, Error, CustomStringConvertible {
    public let rawValue: Int32
    public init(rawValue: Int32) { self.rawValue = rawValue }

    public static let ok = ErrorCode(rawValue: 0)
    public static let systemError = ErrorCode(rawValue: -1)
    public static let runtimeInconsistency = ErrorCode(rawValue: -2)
    public static let dataInconsistency = ErrorCode(rawValue: -3)
    public static let connectionLoss = ErrorCode(rawValue: -4)
    public static let marshallingError = ErrorCode(rawValue: -5)
    public static let unimplemented = ErrorCode(rawValue: -6)
    public static let operationTimeout = ErrorCode(rawValue: -7)
    public static let badArguments = ErrorCode(rawValue: -8)
    public static let unknownSession = ErrorCode(rawValue: -12)
    public static let newConfigNoQuorum = ErrorCode(rawValue: -13)
    public static let reconfigInProgress = ErrorCode(rawValue: -14)
    public static let apiError = ErrorCode(rawValue: -100)
    public static let noNode = ErrorCode(rawValue: -101)
    public static let noAuth = ErrorCode(rawValue: -102)
    public static let badVersion = ErrorCode(rawValue: -103)
    public static let noChildrenForEphemerals = ErrorCode(rawValue: -108)
    public static let nodeExists = ErrorCode(rawValue: -110)
    public static let notEmpty = ErrorCode(rawValue: -111)
    public static let sessionExpired = ErrorCode(rawValue: -112)
    public static let invalidCallback = ErrorCode(rawValue: -113)
    public static let invalidACL = ErrorCode(rawValue: -114)
    public static let authFailed = ErrorCode(rawValue: -115)
    public static let sessionMoved = ErrorCode(rawValue: -118)
    public static let notReadOnly = ErrorCode(rawValue: -119)
    public static let ephemeralOnLocalSession = ErrorCode(rawValue: -120)
    public static let noWatcher = ErrorCode(rawValue: -121)
    public static let requestTimeout = ErrorCode(rawValue: -122)
    public static let reconfigDisabled = ErrorCode(rawValue: -123)
    public static let sessionClosedRequireSASLAuth = ErrorCode(rawValue: -124)
    public static let quotaExceeded = ErrorCode(rawValue: -125)
    public static let throttledOp = ErrorCode(rawValue: -127)

    /// The message ZooKeeper's Java client uses for the code, so that error lines read alike.
    public var message: String {
        switch self {
        case .ok: return "ok"
        case .systemError: return "SystemError"
        case .runtimeInconsistency: return "RuntimeInconsistency"
        case .dataInconsistency: return "DataInconsistency"
        case .connectionLoss: return "ConnectionLoss"
        case .marshallingError: return "MarshallingError"
        case .unimplemented: return "Unimplemented"
        case .operationTimeout: return "OperationTimeout"
        case .badArguments: return "BadArguments"
        case .unknownSession: return "Unknown session"
        case .newConfigNoQuorum: return "New config has no quorum"
        case .reconfigInProgress: return "Reconfig in progress"
        case .apiError: return "APIError"
        case .noNode: return "Node does not exist"
        case .noAuth: return "Insufficient permission"
        case .badVersion: return "Bad version"
        case .noChildrenForEphemerals: return "Ephemeral nodes may not have children"
        case .nodeExists: return "Node already exists"
        case .notEmpty: return "Directory not empty"
        case .sessionExpired: return "Session expired"
        case .invalidCallback: return "Invalid callback"
        case .invalidACL: return "Invalid ACL"
        case .authFailed: return "Authentication failed"
        case .sessionMoved: return "Session moved"
        case .notReadOnly: return "Not a read-only call"
        case .ephemeralOnLocalSession: return "Ephemeral node on local session"
        case .noWatcher: return "No such watcher"
        case .requestTimeout: return "Request timeout"
        case .reconfigDisabled: return "Reconfig is disabled"
        case .sessionClosedRequireSASLAuth: return "Session closed because client failed to authenticate"
        case .quotaExceeded: return "Quota has exceeded"
        case .throttledOp: return "Op throttled due to high load"
        default: return "Unknown error \(rawValue)"
        }
    }

    public var description: String { message }
}
