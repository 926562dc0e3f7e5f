import Foundation
import NIOConcurrencyHelpers

/// Which seeds a simulation test runs, from the environment, and how to replay one:
/// `NAME_SEED=N` replays seed N alone, `NAME_SEEDS=K` runs K seeds from `NAME_SEED_BASE`
/// (default 1), `CORRAL_SEED_SHARE=F` runs that share of every simulation's default count
/// (at least one seed; the sanitizer stage runs a twentieth, as each step costs several times
/// more there), and `CORRAL_TRACE=1` prints every step of the run. A failure carries the
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
            let share = environment["CORRAL_SEED_SHARE"].flatMap { Double($0) }.map { min(max($0, 0), 1) } ?? 1
            let count =
                environment["\(variable)S"].flatMap { Int($0) } ?? max(1, Int((Double(defaultCount) * share).rounded()))
            let base = environment["\(variable)_BASE"].flatMap { UInt64($0) } ?? 1
            seeds = (0..<UInt64(count)).map { base + $0 }
        }
    }

    public func replay(_ seed: UInt64) -> String { "\(variable)=\(seed) swift test --filter \(filter)" }

    /// Runs `body` for each seed, on as many threads of their own as the machine has cores,
    /// and returns the failures in seed order, each with its replay command, stopping after
    /// `failuresMax`, and the sum of what the runs counted (commits, acknowledged writes). A
    /// broken invariant inside the code under test traps rather than throws: the file
    /// `corral-last-seed` in the temporary directory then names the seeds that were running.
    public func run(
        failuresMax: Int = 3, _ body: @escaping @Sendable (UInt64) throws -> Int
    ) async throws -> (failures: [String], counted: Int) {
        let work = SeedWork(seeds: seeds, failuresMax: failuresMax)
        let threads = max(1, min(seeds.count, ProcessInfo.processInfo.activeProcessorCount))
        try await withThrowingTaskGroup(of: Void.self) { group in
            for thread in 0..<threads {
                group.addTask {
                    try await onBackgroundThread("simulation \(filter) \(thread)") {
                        while let seed = work.next() {
                            RunningSeeds.shared.start("\(filter) \(thread)", replay(seed))
                            do {
                                work.counted(try body(seed))
                            } catch {
                                work.failed(seed, "\(error)\nreplay: \(replay(seed))")
                            }
                        }
                        RunningSeeds.shared.start("\(filter) \(thread)", nil)
                    }
                }
            }
            try await group.waitForAll()
        }
        return work.result
    }
}

/// The seeds of one `run`, handed out to its threads one at a time.
private final class SeedWork: Sendable {
    private struct State {
        var next = 0
        var counted = 0
        var failures: [(seed: UInt64, text: String)] = []
    }

    private let seeds: [UInt64]
    private let failuresMax: Int
    private let state = NIOLockedValueBox(State())

    init(seeds: [UInt64], failuresMax: Int) {
        self.seeds = seeds
        self.failuresMax = failuresMax
    }

    /// The next seed to run, or nil when all have been handed out or enough have failed.
    func next() -> UInt64? {
        state.withLockedValue { state in
            guard state.next < seeds.count, state.failures.count < failuresMax else { return nil }
            defer { state.next += 1 }
            return seeds[state.next]
        }
    }

    func counted(_ count: Int) { state.withLockedValue { $0.counted += count } }

    func failed(_ seed: UInt64, _ text: String) { state.withLockedValue { $0.failures.append((seed, text)) } }

    var result: (failures: [String], counted: Int) {
        state.withLockedValue { state in
            (state.failures.sorted { $0.seed < $1.seed }.prefix(failuresMax).map(\.text), state.counted)
        }
    }
}

/// The seeds running in this process, by thread, kept in `corral-last-seed` in the temporary
/// directory: when a seed traps, the file names it.
private final class RunningSeeds: Sendable {
    static let shared = RunningSeeds()
    private let running = NIOLockedValueBox<[String: String]>([:])
    private let path = FileManager.default.temporaryDirectory.appendingPathComponent("corral-last-seed").path

    /// Records that `thread` now runs the seed `replay` replays (nil: none).
    func start(_ thread: String, _ replay: String?) {
        running.withLockedValue { running in
            running[thread] = replay
            let text = running.values.sorted().map { $0 + "\n" }.joined()
            try? text.write(toFile: path, atomically: false, encoding: .utf8)
        }
    }
}
