import KeeperProtocol

/// One write inside an atomic `multi`: create, delete, setData, or check (a version
/// assertion that changes nothing).
public struct MultiOp: Hashable, Sendable {
    /// The request with the client's path.
    let request: Request
    public let path: String

    public static func create(
        _ path: String, data: [UInt8] = [], acl: [ACL] = ACL.openUnsafe, mode: CreateMode = .persistent,
        ttl: Duration? = nil
    ) -> MultiOp {
        let create = CreateRequest(
            path: path, data: data, acl: acl, mode: mode, ttl: ttl?.milliseconds ?? -1, withStat: false)
        return MultiOp(request: .create(create), path: path)
    }

    public static func delete(_ path: String, version: Int32 = -1) -> MultiOp {
        MultiOp(request: .delete(path: path, version: version), path: path)
    }

    public static func setData(_ path: String, data: [UInt8], version: Int32 = -1) -> MultiOp {
        MultiOp(request: .setData(path: path, data: data, version: version), path: path)
    }

    /// Fails the whole multi with BadVersion unless the node has `version` (NoNode if missing).
    public static func check(_ path: String, version: Int32) -> MultiOp {
        MultiOp(request: .check(path: path, version: version), path: path)
    }

    var isSequentialCreate: Bool {
        if case .create(let create) = request { return create.mode?.isSequential == true }
        return false
    }

    /// The request with its path mapped to the server's.
    func serverRequest(_ serverPath: String) -> Request {
        switch request {
        case .create(var create):
            create.path = serverPath
            return .create(create)
        case .delete(_, let version): return .delete(path: serverPath, version: version)
        case .setData(_, let data, let version): return .setData(path: serverPath, data: data, version: version)
        case .check(_, let version): return .check(path: serverPath, version: version)
        default: preconditionFailure("not a multi op: \(request)")
        }
    }
}

/// One read inside a `multiRead`. Reads in a multiRead set no watches.
public enum MultiReadOp: Hashable, Sendable {
    case getData(String)
    case getChildren(String)

    public var path: String {
        switch self {
        case .getData(let path), .getChildren(let path): return path
        }
    }

    func serverRequest(_ serverPath: String) -> Request {
        switch self {
        case .getData: return .getData(path: serverPath, watch: false)
        case .getChildren: return .getChildren(path: serverPath, watch: false)
        }
    }
}
