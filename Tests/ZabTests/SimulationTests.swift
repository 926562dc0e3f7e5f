import CorralSim
import KeeperTestSupport
import Testing
import Zab

@Suite("ZAB under simulated faults")
struct ZabSimulationTests {
    static let seeds = SimulationSeeds(variable: "CORRAL_SEED", filter: "ZabSimulationTests", defaultCount: 1000)

    @Test(
        "3- and 5-peer ensembles keep ZAB's guarantees through crashes, cuts, partitions and stalled disks, then converge"
    )
    func randomSeeds() async throws {
        let (failures, committed) = try await Self.seeds.run { seed in
            var simulation = ZabSimulation(.fromSeed(seed))
            simulation.trace.printsAll = Self.seeds.printsTrace
            _ = try simulation.run()
            return simulation.committedCount
        }
        #expect(failures.isEmpty, "\(failures.joined(separator: "\n\n"))")
        #expect(committed > 0)
    }

    @Test("the same seed replays the same run")
    func determinism() throws {
        var first = ZabSimulation(.fromSeed(42))
        var second = ZabSimulation(.fromSeed(42))
        #expect(try first.run() == second.run())
        #expect(first.trace.summary == second.trace.summary)
        #expect(first.trace.recent == second.trace.recent)
    }
}
