import CorralSim
import Testing
import Zab

/// Hand-made fault sequences on the simulated ensemble; the simulation checks ZAB's
/// guarantees after every event, these tests check the outcome of each story.
@Suite("ZAB scenarios")
struct ZabScenarioTests {
    /// A 3-peer ensemble with an established leader and some committed history.
    private func settled(writes: Int = 5) throws -> (ZabSimulation, PeerID) {
        var simulation = ZabSimulation.scripted(peers: 3)
        try simulation.advance(by: 600)
        let leader = try #require(simulation.establishedLeader)
        for i in 0..<writes { try simulation.propose(on: leader, "w\(i)") }
        try simulation.advance(by: 100)
        #expect(simulation.committed.count == writes)
        return (simulation, leader)
    }

    @Test("the leader crashes after proposing but before committing: the followers agree on the proposal's fate")
    func leaderCrashBeforeCommit() throws {
        var (simulation, leader) = try settled()
        let followers = [1, 2, 3].filter { $0 != leader }
        // Followers take long to write: the proposal reaches them, no ACK comes back in time.
        for follower in followers { simulation.setDiskLatency(follower, 40) }
        let proposal = try #require(try simulation.propose(on: leader, "in flight"))
        try simulation.advance(by: 10)
        #expect(!simulation.committed.contains(proposal))
        try simulation.crashPeer(leader)
        try simulation.advance(by: 1500)
        let newLeader = try #require(simulation.establishedLeader)
        #expect(followers.contains(newLeader))
        // Both followers accepted it, so the new leader's history holds it: now committed.
        #expect(simulation.committed.contains(proposal))
        #expect(simulation.delivered(followers[0]) == simulation.delivered(followers[1]))
        try simulation.restartPeer(leader)
        try simulation.advance(by: 1500)
        try simulation.checkHealthy()
        #expect(simulation.delivered(leader) == simulation.committed)
    }

    @Test("a follower with uncommitted transactions of an old epoch rejoins and has them cut")
    func staleFollowerTruncated() throws {
        var (simulation, leader) = try settled()
        // The leader is cut off, proposes anyway (it does not know yet), and crashes: only
        // its own log holds the proposals.
        try simulation.isolate(leader)
        let stale = [
            try #require(try simulation.propose(on: leader, "lost 1")),
            try #require(try simulation.propose(on: leader, "lost 2")),
        ]
        try simulation.advance(by: 50)
        #expect(stale.allSatisfy { simulation.logged(leader).contains($0) })
        try simulation.crashPeer(leader)
        try simulation.healAll()
        try simulation.advance(by: 1500)
        let newLeader = try #require(simulation.establishedLeader)
        for i in 0..<5 { try simulation.propose(on: newLeader, "new \(i)") }
        try simulation.advance(by: 200)
        try simulation.restartPeer(leader)
        try simulation.advance(by: 1500)
        try simulation.checkHealthy()
        #expect(
            stale.allSatisfy { !simulation.committed.contains($0) },
            "an uncommitted proposal of the old epoch was delivered")
        #expect(
            stale.allSatisfy { !simulation.logged(leader).contains($0) },
            "the rejoined peer kept entries the leader does not have")
        #expect(simulation.delivered(leader) == simulation.committed)
        #expect(simulation.committed.count == 10)
    }

    @Test("two servers restart with torn log tails: nothing acknowledged is lost and the ensemble converges")
    func tornTails() throws {
        for seed in UInt64(1)...20 {
            var simulation = ZabSimulation.scripted(peers: 3, seed: seed)
            try simulation.advance(by: 600)
            let leader = try #require(simulation.establishedLeader)
            let followers = [1, 2, 3].filter { $0 != leader }
            for follower in followers { simulation.setDiskLatency(follower, 7) }
            // Keep writes in flight, then crash both followers mid-write: each keeps a
            // random prefix of what it had not finished writing.
            for round in 0..<10 {
                for i in 0..<5 { try simulation.propose(on: leader, "r\(round)-\(i)") }
                try simulation.advance(by: 3)
            }
            let acknowledged = simulation.acknowledgedEntries
            for follower in followers { try simulation.crashPeer(follower) }
            try simulation.advance(by: 100)
            for follower in followers { try simulation.restartPeer(follower) }
            try simulation.advance(by: 2500)
            try simulation.checkHealthy()
            #expect(acknowledged.isSubset(of: Set(simulation.committed)), "seed \(seed): acknowledged entries lost")
            for id in [1, 2, 3] {
                #expect(simulation.delivered(id) == simulation.committed, "seed \(seed): peer \(id) diverged")
            }
        }
    }
}

@Suite("ZAB scenarios: what is on disk, not in memory")
struct ZabDurabilityScenarioTests {
    /// A 3-peer ensemble with an established leader, its two followers (lower id first), and
    /// `writes` committed entries.
    private func settled(writes: Int, historyWindowMax: Int = 1000) throws -> (ZabSimulation, PeerID, [PeerID]) {
        var simulation = ZabSimulation.scripted(peers: 3, historyWindowMax: historyWindowMax)
        try simulation.advance(by: 600)
        let leader = try #require(simulation.establishedLeader)
        for i in 0..<writes { try simulation.propose(on: leader, "w\(i)") }
        try simulation.advance(by: 200)
        #expect(simulation.committed.count == writes)
        return (simulation, leader, [1, 2, 3].filter { $0 != leader })
    }

    @Test(
        "a follower synced by snapshot acknowledges NEWLEADER only once the snapshot is on its disk (ZOOKEEPER-3911, 4646)"
    )
    func snapshotDurableBeforeNewLeaderAck() throws {
        var (simulation, leader, followers) = try settled(writes: 3, historyWindowMax: 5)
        let (behind, other) = (followers[0], followers[1])
        // `behind` misses enough to be synced by snapshot; the others commit it.
        try simulation.crashPeer(behind)
        for i in 0..<20 { try simulation.propose(on: leader, "while \(behind) is down \(i)") }
        try simulation.advance(by: 200)
        let committed = simulation.committed
        // The leader goes; `other` leads the next epoch with `behind`, whose disk is slow to
        // take the snapshot; both go down before it is written.
        try simulation.crashPeer(leader)
        try simulation.restartPeer(behind)
        simulation.stallDisk(behind, for: 5000)
        try simulation.advance(by: 1500)
        try simulation.crashPeer(other)
        try simulation.crashPeerLosingUnfinishedWrites(behind)
        // The first leader, which holds every committed entry, comes back with `behind`.
        try simulation.restartPeer(leader)
        try simulation.restartPeer(behind)
        try simulation.advance(by: 1500)
        try simulation.restartPeer(other)
        try simulation.advance(by: 1500)
        try simulation.checkHealthy()
        #expect(Array(simulation.committed.prefix(committed.count)) == committed)
    }

    @Test(
        "a peer votes with what is on its disk: an entry it holds only in memory does not win it the election (ZOOKEEPER-4643, 4712)"
    )
    func votesCarryDurableHistory() throws {
        var (simulation, leader, followers) = try settled(writes: 3)
        let (durable, slow) = (followers[0], followers[1])
        // `slow` (the higher id, so it wins a tie) receives the write but its disk stalls;
        // the leader and `durable` commit it.
        simulation.stallDisk(slow, for: 5000)
        let write = try #require(try simulation.propose(on: leader, "committed by two"))
        try simulation.advance(by: 50)
        #expect(simulation.committed.contains(write))
        try simulation.crashPeer(leader)
        try simulation.advance(by: 1500)
        try simulation.crashPeer(durable)
        try simulation.crashPeerLosingUnfinishedWrites(slow)
        try simulation.restartPeer(leader)
        try simulation.restartPeer(slow)
        try simulation.advance(by: 1500)
        try simulation.restartPeer(durable)
        try simulation.advance(by: 1500)
        try simulation.checkHealthy()
        #expect(simulation.committed.contains(write))
        for id in [1, 2, 3] { #expect(simulation.delivered(id) == simulation.committed, "peer \(id) diverged") }
    }
}
