import KeeperProtocol

/// Leader election with ephemeral sequential znodes (ZooKeeper's recipe, and how Mesos
/// masters elect: `json.info_NNNNNNNNNN` nodes holding each master's info, the lowest
/// sequence leads). A candidate watches only the candidate just before it, so a leader's
/// departure wakes exactly one successor.
public struct LeaderElection: Sendable {
    public let client: KeeperClient
    /// The election's directory; created if missing.
    public let path: String
    /// The name before each candidate's sequence number.
    public let prefix: String
    /// The ACL of the candidates' nodes and of the directory if it is created: open by
    /// default; Mesos' masters with credentials use everyone-read, creator-all.
    public let acl: [ACL]

    public init(client: KeeperClient, path: String, prefix: String = "n_", acl: [ACL] = ACL.openUnsafe) {
        self.client = client
        self.path = path
        self.prefix = prefix
        self.acl = acl
    }

    private var queue: SequentialQueue { SequentialQueue(client: client, directory: path, prefix: prefix) }

    /// Stands as a candidate with `data` (what others learn about the leader) and returns
    /// once this candidate leads. Cancelling the wait withdraws the candidate.
    public func lead(data: [UInt8]) async throws -> Leadership {
        let queue = queue
        let node = try await queue.join(data: data, acl: acl, directoryACL: acl)
        do {
            try await queue.waitUntilFirst(node)
        } catch {
            try? await queue.leave(node)
            throw error
        }
        return Leadership(client: client, node: node)
    }

    /// Removes a candidate known to be gone (its process died) before its session expires,
    /// so the next candidate leads at once. A node already gone is fine.
    public func depose(_ node: String) async throws {
        try await SequentialQueue.leave(node, client: client)
    }

    /// The leader's node and data, or nil when there is no candidate.
    public func leader() async throws -> (node: String, data: [UInt8])? {
        for name in try await queue.members() {
            let node = PathRules.join(path, name)
            do {
                return (node, try await client.getData(node).data)
            } catch let error as KeeperError where error.code == .noNode {
                continue
            }
        }
        return nil
    }

    /// The leader now and after every change (nil while there is none), for followers
    /// that track the leader (Mesos's detector). Ends with the session.
    public func leaders() -> AsyncThrowingStream<(node: String, data: [UInt8])?, any Error> {
        let election = self
        return AsyncThrowingStream { continuation in
            let task = Task {
                do {
                    try await election.followLeaders { continuation.yield($0) }
                    continuation.finish()
                } catch {
                    continuation.finish(throwing: error)
                }
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }

    private func followLeaders(_ yield: ((node: String, data: [UInt8])?) -> Void) async throws {
        // nil until the first announcement, then the node announced (nil for "no leader").
        var announced: String?? = nil
        while !Task.isCancelled {
            try await client.retryingOnConnectionLoss { try await client.ensurePath(path) }
            let (_, _, watch) = try await client.retryingOnConnectionLoss { try await client.getChildrenAndWatch(path) }
            let current = try await leader()
            if announced != .some(current?.node) {
                yield(current)
                announced = .some(current?.node)
            }
            _ = try await watch.event()
        }
    }
}

/// Leading, for as long as the leader's node lives.
public struct Leadership: Sendable {
    public let client: KeeperClient
    /// The leader's znode.
    public let node: String

    /// Returns when leadership is lost: the node was deleted or the session ended.
    public func lost() async {
        while !Task.isCancelled {
            let node = node
            guard let found = try? await client.retryingOnConnectionLoss({ try await client.existsAndWatch(node) }),
                found.stat != nil, let event = try? await found.watch.event(), event.type != .nodeDeleted
            else { return }
        }
    }

    /// Steps down: deletes the node so the next candidate leads.
    public func resign() async throws {
        try await SequentialQueue.leave(node, client: client)
    }
}
