import KeeperCore
import KeeperProtocol
import Zab

/// A connection as the four-letter words report it.
public struct ConnectionStatus: Hashable, Sendable {
    public var id: ConnectionID
    public var address: String
    public var session: Int64
    public var timeout: Int32
    public var queued: Int
    public var stats: ConnectionStats
}

/// What `srvr`, `stat`, `mntr`, `cons` and `wchs` show about a node.
public struct NodeStatus: Hashable, Sendable {
    public var zxid: Int64
    public var nodeCount: Int
    public var approximateDataSize: Int
    public var ephemeralCount: Int
    public var sessionCount: Int
    public var watchCount: Int
    public var watchedPathCount: Int
    public var watchingConnectionCount: Int
    public var outstandingRequests: Int
    public var counters: ServerCounters
    public var connections: [ConnectionStatus]
    /// standalone, leader, follower or looking (as ZooKeeper's Mode line says it).
    public var mode: String
    public var serving: Bool
    public var epoch: Int64
    /// The last zxid logged (accepted), which may be ahead of `zxid` (applied).
    public var lastLoggedZxid: Int64
    /// On a leader: each follower, how far it has acknowledged, and whether it is in sync.
    public var followers: [FollowerStatus]
}

public struct FollowerStatus: Hashable, Sendable {
    public var id: PeerID
    public var ackedZxid: Int64
    public var synced: Bool
    /// Transactions of the leader's history after `ackedZxid` (`ZabPeer.followerProgress`).
    public var behind: Int
}

extension KeeperNode {
    public var status: NodeStatus {
        NodeStatus(
            zxid: tree.lastProcessedZxid, nodeCount: tree.nodeCount, approximateDataSize: tree.approximateDataSize,
            ephemeralCount: tree.ephemeralCount, sessionCount: sessions.count, watchCount: watches.count,
            watchedPathCount: watches.pathCount, watchingConnectionCount: watches.watcherCount,
            outstandingRequests: outstandingRequests,
            counters: counters,
            connections: connections.values.sorted { $0.id < $1.id }.map {
                ConnectionStatus(
                    id: $0.id, address: $0.address, session: $0.session, timeout: $0.timeout, queued: $0.queue.count,
                    stats: $0.stats)
            },
            mode: mode, serving: isServing, epoch: zab?.currentEpoch ?? 0, lastLoggedZxid: lastLoggedZxid,
            followers: (zab?.followerProgress ?? []).map {
                FollowerStatus(id: $0.id, ackedZxid: $0.acked, synced: $0.synced, behind: $0.behind)
            })
    }

    private var mode: String {
        switch zab?.currentRole {
        case nil: return "standalone"
        case .leading(_, true): return "leader"
        case .following(_, true): return "follower"
        case .leading, .following, .looking: return "looking"
        }
    }

    /// Watched paths with the sessions watching them (`wchp`).
    public var watchesByPath: [(path: String, sessions: [Int64])] {
        watches.watchersByPath.map { entry in (entry.path, entry.watchers.compactMap { connections[$0]?.session }) }
    }

    /// Sessions with the paths they watch (`wchc`).
    public var watchesBySession: [(session: Int64, paths: [String])] {
        watches.pathsByWatcher.compactMap { entry in connections[entry.watcher].map { ($0.session, entry.paths) } }
    }

    /// `srst`: zero the server-wide counters.
    public mutating func resetServerStats() { counters = ServerCounters() }

    /// `crst`: zero every connection's counters.
    public mutating func resetConnectionStats() {
        for id in connections.keys {
            let established = connections[id]!.stats.establishedAt
            connections[id]!.stats = ConnectionStats()
            connections[id]!.stats.establishedAt = established
        }
    }

    /// The last zxid in the log (accepted, perhaps not yet applied).
    public var lastLoggedZxid: Int64 { zab?.lastZxid ?? max(lastProposedZxid, tree.lastProcessedZxid) }

    /// The ids of the connections the node knows, for tests and the shell's bookkeeping.
    public var connectionIDs: [ConnectionID] { connections.keys.sorted() }

    /// The session a connection speaks for, 0 before its handshake completes.
    public func session(of id: ConnectionID) -> Int64? { connections[id]?.session }
}
