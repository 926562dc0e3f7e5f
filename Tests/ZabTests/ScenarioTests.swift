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
        let proposal = try simulation.propose(on: leader, "in flight")
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
        let stale = [try simulation.propose(on: leader, "lost 1"), try simulation.propose(on: leader, "lost 2")]
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
