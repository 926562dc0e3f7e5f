import CorralSim
import KeeperTestSupport
import Testing

@Suite("the cluster manager under simulated faults")
struct ManagerSimulationTests {
    static let seeds = SimulationSeeds(
        variable: "CORRAL_MANAGER_SEED", filter: "ManagerSimulationTests", defaultCount: 1000)

    @Test(
        "a master, agents and schedulers launching, killing and reconciling through cut streams never over-commit an agent and settle on one view of every task"
    )
    func randomSeeds() async throws {
        let (failures, launched) = try await Self.seeds.run { seed in
            var simulation = ManagerSimulation(.fromSeed(seed))
            simulation.trace.printsAll = Self.seeds.printsTrace
            let summary = try simulation.run()
            if Self.seeds.printsTrace { print(summary) }
            return simulation.tasksLaunched
        }
        #expect(failures.isEmpty, "\(failures.joined(separator: "\n\n"))")
        #expect(launched > 0)
    }

    @Test("the same seed replays the same run")
    func determinism() throws {
        var settings = ManagerSimulation.Settings.fromSeed(5)
        settings.faultPhase = 8_000
        var first = ManagerSimulation(settings)
        var second = ManagerSimulation(settings)
        #expect(try first.run() == second.run())
        #expect(first.trace.summary == second.trace.summary)
    }
}
