import KeeperProtocol

/// The queue under ZooKeeper's lock and leader-election recipes: every contender creates
/// an ephemeral sequential node in one directory, the lowest sequence number is first,
/// and each contender waits for the deletion of the node just before its own. Watching
/// only the predecessor means a departure wakes one contender, not all of them (no herd).
struct SequentialQueue: Sendable {
    let client: KeeperClient
    let directory: String
    /// The name before the sequence number ("lock-", "json.info_").
    let prefix: String

    /// Joins the queue and returns the node's path. If the connection drops while the
    /// create is in flight, the node may exist without our knowing its name: the
    /// contender finds it again by its owner, this session. `acl` is the member node's;
    /// a missing directory is created with `directoryACL`, open unless told, so that every
    /// contender can join.
    func join(data: [UInt8], acl: [ACL] = ACL.openUnsafe, directoryACL: [ACL] = ACL.openUnsafe) async throws
        -> String
    {
        try await client.retryingOnConnectionLoss { try await client.ensurePath(directory, acl: directoryACL) }
        while true {
            do {
                return try await client.create(
                    PathRules.join(directory, prefix), data: data, acl: acl, mode: .ephemeralSequential)
            } catch let error as KeeperError where error.code == .connectionLoss {
                try Task.checkCancellation()
                if let mine = try await client.retryingOnConnectionLoss({ try await ownNode() }) { return mine }
            }
        }
    }

    /// The node this session holds in the queue, if any.
    private func ownNode() async throws -> String? {
        guard let session = await client.session() else { return nil }
        for name in try await members() {
            let path = PathRules.join(directory, name)
            if try await client.exists(path)?.ephemeralOwner == session.id { return path }
        }
        return nil
    }

    /// The queue's members, first first.
    func members() async throws -> [String] {
        let children = try await client.retryingOnConnectionLoss { try await client.getChildren(directory) }
        return Self.ordered(children, prefix: prefix)
    }

    /// Returns once `node` is first in the queue. Throws NoNode if the node disappears
    /// (its session expired, or someone deleted it).
    func waitUntilFirst(_ node: String) async throws {
        let name = PathRules.name(of: node)
        while true {
            let members = try await members()
            guard let predecessor = try Self.predecessor(of: name, in: members) else { return }
            let watched = PathRules.join(directory, predecessor)
            let (stat, watch) = try await client.retryingOnConnectionLoss { try await client.existsAndWatch(watched) }
            if stat != nil { _ = try await watch.event() }
        }
    }

    func leave(_ node: String) async throws {
        try await Self.leave(node, client: client)
    }

    /// Deletes a member's node; a node already gone is fine.
    static func leave(_ node: String, client: KeeperClient) async throws {
        do {
            try await client.retryingOnConnectionLoss { try await client.delete(node) }
        } catch let error as KeeperError where error.code == .noNode {
            return
        }
    }

    // MARK: Ordering

    /// Children named `prefix` + sequence, ordered by sequence number.
    static func ordered(_ children: [String], prefix: String) -> [String] {
        children.filter { $0.hasPrefix(prefix) && sequence(of: $0) != nil }
            .sorted { sequence(of: $0)! < sequence(of: $1)! }
    }

    /// The sequence number ZooKeeper appended: the last ten digits.
    static func sequence(of name: String) -> Int64? {
        let digits = name.suffix(10)
        guard digits.count == 10, digits.allSatisfy(\.isASCIIDigit) else { return nil }
        return Int64(digits)
    }

    /// The member just before `name`, nil if `name` is first; NoNode if `name` is not a member.
    static func predecessor(of name: String, in members: [String]) throws -> String? {
        guard let index = members.firstIndex(of: name) else { throw KeeperError(.noNode, path: name) }
        return index == 0 ? nil : members[index - 1]
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { isASCII && isNumber }
}
