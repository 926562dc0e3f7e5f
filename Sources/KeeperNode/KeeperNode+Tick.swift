import KeeperCore
import KeeperProtocol
import Zab

/// What time alone sets off: session expiry and the reaping of empty containers and expired
/// TTL nodes (ZooKeeper's ContainerManager), both decided by the leader (or a standalone
/// server); a follower's report of session activity to the leader; abandoned handshakes;
/// connections whose clients stopped reading; and ZAB's own timers.
extension KeeperNode {
    mutating func onTick() {
        if zab != nil { stepZab(.tick) }
        reviewConnections()
        if isLeaderOrStandalone {
            expireSessions()
            if now.monotonic >= nextReapCheck {
                nextReapCheck = now.monotonic + config.containerCheckInterval
                reap()
            }
        } else if case .following(_, true)? = zab?.currentRole, !touchedSessions.isEmpty {
            sendToLeader(.touch(touchedSessions.sorted()))
            touchedSessions = []
        }
    }

    private mutating func expireSessions() {
        for session in sessions.expire(now: now.monotonic) {
            // A paused connection's pings stay unread too: its session may expire first.
            notice(
                stuckConnection(of: session).map { stuckNotice($0, outcome: "expiring the session") }
                    ?? .info("expired session 0x\(hex(session))"))
            let txn = preparer.prepareCloseSession(session, in: tree, zxid: nextZxid())
            propose(txn, session: session, cxid: 0)
        }
    }

    /// One pass over the connections: closes those that sent no handshake within
    /// handshakeTimeout and those whose clients have not taken their replies for longer
    /// than their session timeout, and keeps alive the sessions the server itself keeps
    /// waiting (`isHeld`).
    private mutating func reviewConnections() {
        var abandoned: [(id: ConnectionID, why: Notice)] = []
        for connection in connections.values {
            if isHeld(connection) {
                if isLeaderOrStandalone {
                    _ = sessions.touch(connection.session, now: now.monotonic)
                } else {
                    touchedSessions.insert(connection.session)
                }
            }
            if connection.phase == .handshaking && now.monotonic - connection.openedAt > config.handshakeTimeout {
                let why =
                    "closing connection from \(connection.address): no handshake within \(config.handshakeTimeout) ms"
                abandoned.append((connection.id, .info(why)))
            } else if isStuck(connection) {
                abandoned.append((connection.id, stuckNotice(connection, outcome: "closing the connection")))
            }
        }
        for (id, why) in abandoned.sorted(by: { $0.id < $1.id }) {
            notice(why)
            close(id)
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
            guard let node = tree.node(at: path), node.children.isEmpty, case .ttl(let ttl) = node.kind else {
                continue
            }
            if now.wall - node.mtime > ttl { candidates.append(path) }
        }
        return candidates.sorted()
    }

    private mutating func reap() {
        for path in reapCandidates().prefix(config.reapsPerCheckMax) {
            let txn = preparer.prepareReap(path, in: tree, zxid: nextZxid(), time: now.wall)
            if case .error = txn { continue }
            notice(.info("deleting \(path): empty container or expired TTL"))
            propose(txn, session: 0, cxid: 0)
        }
    }
}
