import CorralSim
import Foundation
import KeeperTestSupport
import Testing

/// Seeds for the whole-server simulation: CORRAL_CLUSTER_SEED replays one
/// (CORRAL_TRACE=1 prints every step); CORRAL_CLUSTER_SEEDS sets how many (default 25).
private func clusterSeeds() -> [UInt64] {
    let environment = ProcessInfo.processInfo.environment
    if let seed = environment["CORRAL_CLUSTER_SEED"].flatMap({ UInt64($0) }) { return [seed] }
    let count = environment["CORRAL_CLUSTER_SEEDS"].flatMap { Int($0) } ?? 25
    return (1...UInt64(count)).map { $0 }
}

@Suite("Keeper servers under simulated faults")
struct ClusterSimulationTests {
    @Test(
        "3- and 5-server ensembles with clients writing lose no acknowledged write through power losses, failing disks and partitions, and converge"
    )
    func randomSeeds() async throws {
        let trace = ProcessInfo.processInfo.environment["CORRAL_TRACE"] == "1"
        let failures = try await onThread("cluster-simulation") { () -> [String] in
            var failures: [String] = []
            let seedFile = FileManager.default.temporaryDirectory.appendingPathComponent("corral-cluster-seed").path
            for seed in clusterSeeds() {
                try? "CORRAL_CLUSTER_SEED=\(seed) swift test --filter ClusterSimulationTests\n".write(
                    toFile: seedFile, atomically: false, encoding: .utf8)
                var simulation = ClusterSimulation(.fromSeed(seed))
                simulation.traceAll = trace
                do {
                    _ = try simulation.run()
                } catch {
                    failures.append(
                        "\(error)\nreplay: CORRAL_CLUSTER_SEED=\(seed) swift test --filter ClusterSimulationTests")
                    if failures.count >= 3 { break }
                }
            }
            return failures
        }
        #expect(failures.isEmpty, "\(failures.joined(separator: "\n\n"))")
    }

    @Test("the same seed replays the same run")
    func determinism() throws {
        var first = ClusterSimulation(.fromSeed(7))
        var second = ClusterSimulation(.fromSeed(7))
        #expect(try first.run() == second.run())
        #expect(first.trace == second.trace)
    }
}
