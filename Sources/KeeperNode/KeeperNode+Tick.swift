import KeeperCore
import KeeperProtocol

/// What time alone sets off: session expiry, abandoned handshakes, and the reaping of
/// empty containers and expired TTL nodes (ZooKeeper's ContainerManager).
extension KeeperNode {
    mutating func onTick() {
        expireSessions()
        closeStaleHandshakes()
        if now.monotonic >= nextReapCheck {
            nextReapCheck = now.monotonic + config.containerCheckInterval
            reap()
        }
    }

    private mutating func expireSessions() {
        for session in sessions.expire(now: now.monotonic) {
            let txn = preparer.prepareCloseSession(session, in: tree, zxid: nextZxid())
            _ = propose(txn, session: session, cxid: 0, origin: .expiry)
        }
    }

    private mutating func closeStaleHandshakes() {
        let stale = connections.values.filter {
            $0.phase == .handshaking && now.monotonic - $0.openedAt > config.handshakeTimeout
        }
        for connection in stale.sorted(by: { $0.id < $1.id }) {
            notice(.info("closing connection from \(connection.address): no handshake within \(config.handshakeTimeout) ms"))
            close(connection.id)
        }
    }

    /// Empty containers that once had a child, and TTL nodes without children whose TTL
    /// has passed since their last change.
    func reapCandidates() -> [String] {
        var candidates: [String] = []
        for path in tree.containers {
            if let node = tree.node(at: path), node.children.isEmpty, node.cversion > 0 { candidates.append(path) }
        }
        for path in tree.ttlNodes {
            guard let node = tree.node(at: path), node.children.isEmpty, case .ttl(let ttl) = node.kind else { continue }
            if now.wall - node.mtime > ttl { candidates.append(path) }
        }
        return candidates.sorted()
    }

    private mutating func reap() {
        for path in reapCandidates().prefix(config.reapsPerCheckMax) {
            let txn = preparer.prepareReap(path, in: tree, zxid: nextZxid(), time: now.wall)
            if case .error = txn { continue }
            _ = propose(txn, session: 0, cxid: 0, origin: .reap)
        }
    }
}
