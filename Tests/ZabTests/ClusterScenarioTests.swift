import CorralSim
import Testing
import Zab

/// Hand-made fault sequences on whole simulated Keeper servers with clients; the simulation
/// checks its guarantees after every step (no ephemeral of a closed session, a read after
/// sync sees every write acknowledged before the sync began), these tests the outcome.
@Suite("Keeper ensemble scenarios")
struct ClusterScenarioTests {
    @Test(
        "a follower left alone with a leader that lost its quorum stops serving: sync and read never miss the new leader's writes"
    )
    func exLeaderDropsFollowers() throws {
        var simulation = ClusterSimulation.scripted(servers: 5)
        try simulation.advance(by: 1000)
        let leader = try #require(simulation.establishedLeader)
        let others = simulation.serverIDs.filter { $0 != leader }
        let (follower, majority) = (others[0], Array(others.dropFirst()))
        try simulation.pin(client: 0, to: follower, onlySyncsAndReads: true)
        try simulation.pin(client: 1, to: majority[0])
        try simulation.pin(client: 2, to: majority[1])
        try simulation.advance(by: 500)
        try simulation.partition([leader, follower], from: majority)
        let before = simulation.acknowledgedWrites(of: 1)
        try simulation.advance(by: 3000)
        #expect(simulation.acknowledgedWrites(of: 1) > before, "the majority side acknowledged no write")
        #expect(simulation.role(of: follower) == .looking, "the follower still follows \(leader)")
        #expect(simulation.role(of: leader) == .looking)
        try simulation.healAll()
        try simulation.advance(by: 3000)
        try simulation.checkHealthy()
    }
}

extension ClusterScenarioTests {
    @Test(
        "a session a leader marked closing but lost leadership before closing is open again when that server leads later, and expires"
    )
    func closingSessionReopensOnRoleChange() throws {
        var simulation = ClusterSimulation.scripted(servers: 3, clients: 2)
        try simulation.advance(by: 1000)
        let first = try #require(simulation.establishedLeader)
        let others = simulation.serverIDs.filter { $0 != first }
        try simulation.pin(client: 0, to: first)
        try simulation.pin(client: 1, to: others[0])
        try simulation.advance(by: 300)
        let session = try #require(simulation.session(of: 0))
        // Client 0 goes quiet. The followers' disks slow down, so the close the leader
        // proposes when the session expires is not acknowledged; then both followers lose
        // power (and the proposal) and the leader is cut off.
        simulation.silence(client: 0, for: 1600)
        let lastUse = try #require(simulation.lastUse(of: 0))
        try simulation.advance(by: lastUse + 900 - simulation.now)
        for id in others { simulation.setDiskLatency(id, 5000) }
        try simulation.advance(by: 400)
        try simulation.partition([first], from: others)
        // Few writes meanwhile: the first leader rejoins by DIFF, keeping its session table.
        try simulation.pin(client: 1, to: others[0], onlySyncsAndReads: true)
        for id in others {
            try simulation.crashServer(id)
            simulation.setDiskLatency(id, 2)
            try simulation.restartServer(id)
        }
        try simulation.advance(by: 1000)
        let second = try #require(simulation.establishedLeader)
        #expect(second != first)
        // The client comes back through the new leader, in time, and keeps its session.
        try simulation.pin(client: 0, to: second)
        try simulation.advance(by: 800)
        #expect(simulation.session(of: 0) == session)
        // The first leader rejoins, then leads again once the second goes.
        try simulation.healAll()
        try simulation.advance(by: 1000)
        try simulation.pin(client: 0, to: first)
        try simulation.pin(client: 1, to: first)
        // Quiet for a moment, so that both survivors hold the same history on disk and the
        // higher id, the first leader, wins.
        for client in 0..<2 { simulation.silence(client: client, for: 300) }
        try simulation.advance(by: 300)
        try simulation.crashServer(second)
        try simulation.advance(by: 1500)
        #expect(
            simulation.establishedLeader == first,
            "first \(first), second \(second), roles \(simulation.serverIDs.map { simulation.role(of: $0).map { "\($0)" } ?? "down" })"
        )
        try simulation.restartServer(second)
        // Client 0 leaves for good: its session must expire wherever it is held.
        simulation.silence(client: 0, for: 10_000)
        try simulation.advance(by: 4000)
        try simulation.checkHealthy()
    }
}
