import KeeperProtocol

extension KeeperClient {
    /// Deletes `path` and everything below it, children first (zkCli's deleteall). Nodes
    /// that vanish meanwhile are fine; nodes created meanwhile make it fail with NotEmpty.
    public func deleteRecursively(_ path: String) async throws {
        let children: [String]
        do {
            children = try await getChildren(path)
        } catch let error as KeeperError where error.code == .noNode {
            return
        }
        for child in children {
            try await deleteRecursively(PathRules.join(path, child))
        }
        do {
            try await delete(path)
        } catch let error as KeeperError where error.code == .noNode {
            return
        }
    }
}
