import KeeperNode
import Zab

/// Scripted scenarios: no random faults; the clients write, sync and read as usual, the test
/// partitions, crashes and restarts, and every guarantee is still checked after every step.
extension ClusterSimulation {
    public static func scripted(servers: Int, clients: Int = 3, seed: UInt64 = 1) -> ClusterSimulation {
        var settings = Settings(seed: seed)
        settings.servers = servers
        settings.clients = clients
        settings.randomFaults = false
        return ClusterSimulation(settings)
    }

    /// Runs every event up to `milliseconds` from now.
    public mutating func advance(by milliseconds: Int64) throws {
        try runEvents(through: now + milliseconds)
    }

    /// The server that leads an established epoch, if exactly one does.
    public var establishedLeader: PeerID? {
        let leaders = ids.filter {
            servers[$0]?.node?.role.map { if case .leading(_, true) = $0 { true } else { false } } == true
        }
        return leaders.count == 1 ? leaders[0] : nil
    }

    public func role(of id: PeerID) -> ZabRole? { servers[id]?.node?.role }

    /// Cuts every link between the two groups and keeps them cut.
    public mutating func partition(_ group: [PeerID], from others: [PeerID]) throws {
        note("partition \(group) from \(others)")
        for a in group {
            for b in others {
                network.partition(a, b)
                try disconnect(a, b)
            }
        }
    }

    /// Ends every partition and reconnects every pair of running servers.
    public mutating func healAll() throws {
        note("heal everything")
        network.healAll()
        for a in ids { for b in ids where a < b { try connect(a, b) } }
    }

    public mutating func crashServer(_ id: PeerID) throws { try crash(id, "scripted") }

    /// How long `id`'s disk takes for a batch from now on.
    public mutating func setDiskLatency(_ id: PeerID, _ milliseconds: Int64) {
        servers[id]!.diskLatency = milliseconds
    }
    public mutating func restartServer(_ id: PeerID) throws { try restart(id) }

    /// Client `index` connects to `server` only (after its current connection ends), and
    /// with `onlySyncsAndReads` does nothing but sync and read the latest acknowledged znode.
    public mutating func pin(client index: Int, to server: PeerID, onlySyncsAndReads: Bool = false) throws {
        clients[index].pinnedServer = server
        clients[index].onlySyncsAndReads = onlySyncsAndReads
        if let current = clients[index].connection, let old = clients[index].server, old != server {
            connectionOwner[current] = nil
            clients[index].disconnected()
            try step(old, .disconnected(current))
        }
    }

    /// Client `index` sends nothing for `milliseconds`: its session may expire meanwhile.
    public mutating func silence(client index: Int, for milliseconds: Int64) {
        clients[index].silentUntil = now + milliseconds
    }

    /// When client `index` last sent a request on its current session.
    public func lastUse(of client: Int) -> Int64? { clients[client].session.flatMap { sessionUsed[$0.id] } }

    public func session(of client: Int) -> Int64? { clients[client].session?.id }

    /// The servers and clients, for a test's checks.
    public var serverIDs: [PeerID] { ids }
    public func acknowledgedWrites(of client: Int) -> Int { clients[client].acknowledged.count }

    /// After the script: every server serves, the trees agree, nothing acknowledged is lost.
    public mutating func checkHealthy() throws { try checkConverged() }
}
