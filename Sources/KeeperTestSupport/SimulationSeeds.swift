import Foundation

/// Which seeds a simulation test runs, from the environment, and how to replay one:
/// `NAME_SEED=N` replays seed N alone, `NAME_SEEDS=K` runs K seeds from `NAME_SEED_BASE`
/// (default 1), and `CORRAL_TRACE=1` prints every step of the run. A failure carries the
/// command that replays it.
public struct SimulationSeeds: Sendable {
    /// The environment variable that replays one seed, e.g. CORRAL_SEED.
    public let variable: String
    /// The `swift test --filter` that reaches the test.
    public let filter: String
    public let seeds: [UInt64]
    public let printsTrace: Bool

    public init(variable: String, filter: String, defaultCount: Int) {
        let environment = ProcessInfo.processInfo.environment
        self.variable = variable
        self.filter = filter
        printsTrace = environment["CORRAL_TRACE"] == "1"
        if let seed = environment[variable].flatMap({ UInt64($0) }) {
            seeds = [seed]
        } else {
            let count = environment["\(variable)S"].flatMap { Int($0) } ?? defaultCount
            let base = environment["\(variable)_BASE"].flatMap { UInt64($0) } ?? 1
            seeds = (0..<UInt64(count)).map { base + $0 }
        }
    }

    public func replay(_ seed: UInt64) -> String { "\(variable)=\(seed) swift test --filter \(filter)" }

    /// Runs `body` for each seed on a thread of its own and returns the failures, each with
    /// its replay command, stopping after `failuresMax`, and the sum of what the runs
    /// counted (commits, acknowledged writes). A broken invariant inside the code under test
    /// traps rather than throws: the file `corral-last-seed` in the temporary directory then
    /// names the seed that was running.
    public func run(
        failuresMax: Int = 3, _ body: @escaping @Sendable (UInt64) throws -> Int
    ) async throws -> (failures: [String], counted: Int) {
        let seeds = self.seeds
        return try await onBackgroundThread("simulation \(filter)") { () -> ([String], Int) in
            var failures: [String] = []
            var counted = 0
            let seedFile = FileManager.default.temporaryDirectory.appendingPathComponent("corral-last-seed").path
            for seed in seeds {
                try? "\(replay(seed))\n".write(toFile: seedFile, atomically: false, encoding: .utf8)
                do {
                    counted += try body(seed)
                } catch {
                    failures.append("\(error)\nreplay: \(replay(seed))")
                    if failures.count >= failuresMax { break }
                }
            }
            return (failures, counted)
        }
    }
}
