import CorralSim
import KeeperTestSupport
import Testing

@Suite("Keeper servers under simulated faults")
struct ClusterSimulationTests {
    static let seeds = SimulationSeeds(
        variable: "CORRAL_CLUSTER_SEED", filter: "ClusterSimulationTests", defaultCount: 25)

    @Test(
        "3- and 5-server ensembles with clients writing lose no acknowledged write through power losses, failing disks and partitions, and converge"
    )
    func randomSeeds() async throws {
        let (failures, acknowledged) = try await Self.seeds.run { seed in
            var simulation = ClusterSimulation(.fromSeed(seed))
            simulation.trace.printsAll = Self.seeds.printsTrace
            _ = try simulation.run()
            return simulation.acknowledgedCount
        }
        #expect(failures.isEmpty, "\(failures.joined(separator: "\n\n"))")
        #expect(acknowledged > 0)
    }

    @Test("the same seed replays the same run")
    func determinism() throws {
        var first = ClusterSimulation(.fromSeed(7))
        var second = ClusterSimulation(.fromSeed(7))
        #expect(try first.run() == second.run())
        #expect(first.trace.summary == second.trace.summary)
    }
}
