import KeeperProtocol

/// Watches: one-shot watches set by reads, persistent watches set by addWatch, and their
/// removal. See `Watch` and `WatchStream` for how each ends.
extension KeeperClient {
    /// The node's stat (nil if missing) and a watch for its creation, deletion or change.
    public func existsAndWatch(_ path: String) async throws -> (stat: Stat?, watch: Watch) {
        let server = try serverPath(path)
        let (result, watch) = try await watchingCall(
            .exists(path: server, watch: true), watch: .exists, path: path, serverPath: server)
        switch result {
        case .success(let response): return (try Self.stat(of: response), watch)
        case .failure(let error as KeeperError) where error.code == .noNode: return (nil, watch)
        case .failure(let error): throw error
        }
    }

    /// The node's data and stat, and a watch for its change or deletion.
    public func getDataAndWatch(_ path: String) async throws -> (data: [UInt8], stat: Stat, watch: Watch) {
        let server = try serverPath(path)
        let (result, watch) = try await watchingCall(
            .getData(path: server, watch: true), watch: .data, path: path, serverPath: server)
        let (data, stat) = try Self.data(of: try result.get(), path: path)
        return (data, stat, watch)
    }

    /// The node's children and stat, and a watch for a change in its children or its deletion.
    public func getChildrenAndWatch(_ path: String) async throws -> (children: [String], stat: Stat, watch: Watch) {
        let server = try serverPath(path)
        let (result, watch) = try await watchingCall(
            .getChildren2(path: server, watch: true), watch: .children, path: path, serverPath: server)
        let (children, stat) = try Self.children(of: try result.get(), path: path)
        return (children, stat, watch)
    }

    /// A persistent watch (addWatch, ZooKeeper 3.6+): PERSISTENT sees every event at
    /// `path`, PERSISTENT_RECURSIVE every event but NodeChildrenChanged at `path` and below.
    /// The path need not exist.
    public func addWatch(_ path: String, mode: AddWatchMode = .persistent) async throws -> WatchStream {
        let server = try serverPath(path)
        let box = driver
        let (reply, events) = try await box.eventLoop.submit {
            box.value.addWatch(path: server, recursive: mode == .persistentRecursive)
        }.get()
        _ = try await Self.naming(path) { try await reply.get() }
        return WatchStream(path: path, mode: mode, events: events)
    }

    /// Removes this client's watches of `type` at `path` on the server (NoWatcher if
    /// there were none); local one-shot watches then report DataWatchRemoved or
    /// ChildWatchRemoved, and persistent watch streams end. A persistent watch lives in
    /// both of the server's watch tables, so only `.any` removes it entirely.
    public func removeWatches(_ path: String, type: WatcherType = .any) async throws {
        _ = try await call(.removeWatches(path: try serverPath(path), type: type.rawValue), path: path)
    }

    /// Whether the server holds a watch of `type` at `path`; throws NoWatcher if not.
    public func checkWatches(_ path: String, type: WatcherType = .any) async throws {
        _ = try await call(.checkWatches(path: try serverPath(path), type: type.rawValue), path: path)
    }
}
