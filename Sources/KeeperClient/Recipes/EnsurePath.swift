import KeeperProtocol

extension KeeperClient {
    /// Creates `path` and any missing parent as empty persistent nodes; nodes that exist
    /// already (or that another client creates meanwhile) are left alone.
    public func ensurePath(_ path: String, acl: [ACL] = ACL.openUnsafe) async throws {
        _ = try serverPath(path)
        guard path != "/" else { return }
        if try await exists(path) != nil { return }
        if let parent = PathRules.parent(of: path) { try await ensurePath(parent, acl: acl) }
        do {
            try await create(path, acl: acl)
        } catch let error as KeeperError where error.code == .nodeExists {
            return
        }
    }
}
