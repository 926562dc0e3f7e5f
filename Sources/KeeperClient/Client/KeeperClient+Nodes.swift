import KeeperProtocol

/// Reading and writing znodes. Paths are checked against ZooKeeper's rules before
/// anything is sent; a version of -1 means "any version".
extension KeeperClient {
    /// Creates a znode and returns its path (with the sequence suffix for sequential
    /// modes). Containers and TTL nodes use their own op codes; a TTL node needs `ttl`
    /// and a server with extended types enabled.
    @discardableResult
    public func create(
        _ path: String, data: [UInt8] = [], acl: [ACL] = ACL.openUnsafe, mode: CreateMode = .persistent,
        ttl: Duration? = nil
    ) async throws -> String {
        try await create(path, data: data, acl: acl, mode: mode, ttl: ttl, withStat: false).path
    }

    /// Creates a znode with create2 and returns its path and stat.
    public func createReturningStat(
        _ path: String, data: [UInt8] = [], acl: [ACL] = ACL.openUnsafe, mode: CreateMode = .persistent,
        ttl: Duration? = nil
    ) async throws -> (path: String, stat: Stat) {
        let created = try await create(path, data: data, acl: acl, mode: mode, ttl: ttl, withStat: true)
        guard let stat = created.stat else { throw KeeperError(.marshallingError, path: path) }
        return (created.path, stat)
    }

    private func create(
        _ path: String, data: [UInt8], acl: [ACL], mode: CreateMode, ttl: Duration?, withStat: Bool
    ) async throws -> (path: String, stat: Stat?) {
        let request = CreateRequest(
            path: try serverPath(path, sequential: mode.isSequential), data: data, acl: acl, mode: mode,
            ttl: ttl?.milliseconds ?? -1, withStat: withStat)
        switch try await call(.create(request), path: path) {
        case .path(let created): return (chroot.clientPath(created), nil)
        case .created(let created, let stat): return (chroot.clientPath(created), stat)
        default: throw KeeperError(.marshallingError, path: path)
        }
    }

    public func delete(_ path: String, version: Int32 = -1) async throws {
        _ = try await call(.delete(path: try serverPath(path), version: version), path: path)
    }

    /// The node's stat, or nil when it does not exist.
    public func exists(_ path: String) async throws -> Stat? {
        do {
            return try Self.stat(of: try await call(.exists(path: try serverPath(path), watch: false), path: path))
        } catch let error as KeeperError where error.code == .noNode {
            return nil
        }
    }

    public func getData(_ path: String) async throws -> (data: [UInt8], stat: Stat) {
        let response = try await call(.getData(path: try serverPath(path), watch: false), path: path)
        return try Self.data(of: response, path: path)
    }

    @discardableResult
    public func setData(_ path: String, data: [UInt8], version: Int32 = -1) async throws -> Stat {
        let response = try await call(.setData(path: try serverPath(path), data: data, version: version), path: path)
        return try Self.stat(of: response)
    }

    /// The names of the node's children, in no particular order.
    public func getChildren(_ path: String) async throws -> [String] {
        guard
            case .children(let children) = try await call(
                .getChildren(path: try serverPath(path), watch: false), path: path)
        else { throw KeeperError(.marshallingError, path: path) }
        return children
    }

    /// The children with the node's own stat (getChildren2).
    public func getChildrenWithStat(_ path: String) async throws -> (children: [String], stat: Stat) {
        let response = try await call(.getChildren2(path: try serverPath(path), watch: false), path: path)
        return try Self.children(of: response, path: path)
    }

    /// How many nodes lie below `path`, at any depth.
    public func getAllChildrenNumber(_ path: String) async throws -> Int {
        guard case .count(let count) = try await call(.getAllChildrenNumber(path: try serverPath(path)), path: path)
        else { throw KeeperError(.marshallingError, path: path) }
        return Int(count)
    }

    /// This session's ephemeral nodes whose path starts with `prefix` (a plain string
    /// prefix, as on the server: "/a" matches "/ab").
    public func getEphemerals(prefix: String = "/") async throws -> [String] {
        let serverPrefix = prefix == "/" ? (chroot.root ?? "/") : chroot.serverPath(prefix)
        guard case .children(let paths) = try await call(.getEphemerals(prefix: serverPrefix), path: prefix)
        else { throw KeeperError(.marshallingError, path: prefix) }
        return paths.map(chroot.clientPath)
    }

    /// Waits until the server this client talks to has caught up with the leader.
    public func sync(_ path: String) async throws {
        _ = try await call(.sync(path: try serverPath(path)), path: path)
    }

    public func getACL(_ path: String) async throws -> (acl: [ACL], stat: Stat) {
        guard case .acl(let acl, let stat) = try await call(.getACL(path: try serverPath(path)), path: path)
        else { throw KeeperError(.marshallingError, path: path) }
        return (acl, stat)
    }

    /// Replaces the node's ACL; `version` is checked against the ACL version (aversion).
    @discardableResult
    public func setACL(_ path: String, acl: [ACL], version: Int32 = -1) async throws -> Stat {
        try Self.stat(of: try await call(.setACL(path: try serverPath(path), acl: acl, version: version), path: path))
    }

    // MARK: Reading replies

    static func stat(of response: Response) throws -> Stat {
        guard case .stat(let stat) = response else { throw KeeperError(.marshallingError) }
        return stat
    }

    static func data(of response: Response, path: String) throws -> (data: [UInt8], stat: Stat) {
        guard case .data(let data, let stat) = response else { throw KeeperError(.marshallingError, path: path) }
        return (data ?? [], stat)
    }

    static func children(of response: Response, path: String) throws -> (children: [String], stat: Stat) {
        guard case .children2(let children, let stat) = response else {
            throw KeeperError(.marshallingError, path: path)
        }
        return (children, stat)
    }
}
