import Zab

/// Scripted scenarios: no random faults and no proposals of their own; the test crashes,
/// partitions and proposes, and every guarantee is still checked after every event.
extension ZabSimulation {
    public static func scripted(peers: Int, seed: UInt64 = 1, historyWindowMax: Int = 1000) -> ZabSimulation {
        var settings = Settings(seed: seed)
        settings.peers = peers
        settings.randomFaults = false
        settings.autoPropose = false
        settings.historyWindowMax = historyWindowMax
        settings.snapshotEvery = 1_000_000
        return ZabSimulation(settings)
    }

    /// Runs every event up to `milliseconds` from now.
    public mutating func advance(by milliseconds: Int64) throws {
        try runEvents(through: now + milliseconds)
    }

    /// The peer that leads an established epoch, if exactly one does.
    public var establishedLeader: PeerID? {
        let leaders = ids.filter { peers[$0]?.zab?.canPropose == true }
        return leaders.count == 1 ? leaders[0] : nil
    }

    public mutating func crashPeer(_ id: PeerID) throws { try crash(id) }

    /// A crash in which the disk finished nothing more than it had reported.
    public mutating func crashPeerLosingUnfinishedWrites(_ id: PeerID) throws {
        disks[id]!.pending = []
        try crash(id)
    }

    /// `id`'s disk completes nothing for `milliseconds`.
    public mutating func stallDisk(_ id: PeerID, for milliseconds: Int64) {
        stallDisk(id, until: now + milliseconds)
    }
    public mutating func restartPeer(_ id: PeerID) throws { try restart(id) }

    /// Cuts every channel of `id` and keeps them cut.
    public mutating func isolate(_ id: PeerID) throws {
        for other in ids where other != id {
            network.partition(id, other)
            try disconnect(id, other)
        }
    }

    /// Ends every partition and reconnects every pair of running peers.
    public mutating func healAll() throws {
        network.healAll()
        for a in ids { for b in ids where a < b { try connect(a, b) } }
    }

    /// How long `id`'s disk takes to complete a write.
    public mutating func setDiskLatency(_ id: PeerID, _ milliseconds: Int64) {
        disks[id]!.latency = milliseconds
    }

    /// Proposes on `id` (which must lead an established epoch); returns the zxid, nil if
    /// the epoch's counter is exhausted (and the leader stepped down).
    @discardableResult
    public mutating func propose(on id: PeerID, _ text: String) throws -> Int64? {
        proposals += 1
        let (zxid, actions) = peers[id]!.zab!.propose(Array(text.utf8), at: now)
        try perform(actions, by: id)
        return zxid
    }

    /// The zxids `id` delivered since its state began, and those in its log on disk.
    public func delivered(_ id: PeerID) -> [Int64] { peers[id]?.delivered ?? [] }
    public func logged(_ id: PeerID) -> [Int64] { (disks[id]?.log ?? []).map(\.zxid) }
    public func isRunning(_ id: PeerID) -> Bool { peers[id]?.zab != nil }
    public func epoch(of id: PeerID) -> Int64 { disks[id]?.currentEpoch ?? 0 }
    public var committed: [Int64] { order }
    public var acknowledgedEntries: Set<Int64> { acknowledged }

    /// After the faults: a leader is established, everyone delivered everything committed,
    /// and nothing acknowledged was lost.
    public mutating func checkHealthy() throws { try checkConverged() }
}
