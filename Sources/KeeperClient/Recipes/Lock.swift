import KeeperProtocol

/// A mutual-exclusion lock (ZooKeeper's lock recipe): contenders queue as ephemeral
/// sequential `lock-` nodes under the lock's path; the lowest holds the lock; each waits
/// for the node before its own only. A holder's session ending releases the lock.
public struct KeeperLock: Sendable {
    public let client: KeeperClient
    public let path: String

    public init(client: KeeperClient, path: String) {
        self.client = client
        self.path = path
    }

    private var queue: SequentialQueue { SequentialQueue(client: client, directory: path, prefix: "lock-") }

    /// Waits until this client holds the lock. Cancelling the wait leaves the queue.
    public func acquire(data: [UInt8] = []) async throws -> LockOwnership {
        let queue = queue
        let node = try await queue.join(data: data)
        do {
            try await queue.waitUntilFirst(node)
        } catch {
            try? await queue.leave(node)
            throw error
        }
        return LockOwnership(client: client, node: node)
    }

    /// Runs `body` holding the lock, and releases it however `body` ends.
    public func withLock<T: Sendable>(_ body: () async throws -> T) async throws -> T {
        let ownership = try await acquire()
        do {
            let result = try await body()
            try await ownership.release()
            return result
        } catch {
            try? await ownership.release()
            throw error
        }
    }
}

/// The lock, held.
public struct LockOwnership: Sendable {
    public let client: KeeperClient
    /// The holder's znode.
    public let node: String

    public func release() async throws {
        try await SequentialQueue.leave(node, client: client)
    }
}
