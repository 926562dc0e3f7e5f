import CorralSim
import Foundation
import KeeperTestSupport
import Testing

/// A seed must replay the same run in another process, not only in this one: Swift seeds
/// its hashing per process, so a `Set` or `Dictionary` iterated on the way to a decision
/// replays differently there. The test runs seeds here, runs them again in a new process
/// of this test binary (the child test below, which only runs when asked), and compares
/// the traces' digests.
@Suite("simulation replay across processes")
struct CrossProcessReplayTests {
    /// The environment variable that asks this binary, run as a child, to print the traces.
    static let childVariable = "CORRAL_REPLAY_CHILD"
    static let zabSeeds: [UInt64] = [3, 42]
    static let clusterSeeds: [UInt64] = [7, 66]
    static let managerSeeds: [UInt64] = [3, 9]

    /// Every seed's trace summary, one line each: "zab 3: …", "cluster 7: …".
    static func summaries() throws -> [String] {
        var lines: [String] = []
        for seed in zabSeeds {
            var simulation = ZabSimulation(.fromSeed(seed))
            _ = try simulation.run()
            lines.append("zab \(seed): \(simulation.trace.summary)")
        }
        for seed in clusterSeeds {
            var simulation = ClusterSimulation(.fromSeed(seed))
            _ = try simulation.run()
            lines.append("cluster \(seed): \(simulation.trace.summary)")
        }
        for seed in managerSeeds {
            var settings = ManagerSimulation.Settings.fromSeed(seed)
            settings.faultPhase = 8_000
            var simulation = ManagerSimulation(settings)
            _ = try simulation.run()
            lines.append("manager \(seed): \(simulation.trace.summary)")
        }
        return lines
    }

    @Test("a seed replays to the same trace in a new process")
    func replayInNewProcess() async throws {
        let here = try await onBackgroundThread("replay here") { try Self.summaries() }
        let there = try await onBackgroundThread("replay in a child") { try Self.childSummaries() }
        #expect(there == here, "the child process traced another run")
        #expect(here.count == Self.zabSeeds.count + Self.clusterSeeds.count + Self.managerSeeds.count)
    }

    @Test(
        "(child of the cross-process replay test) prints the traces",
        .enabled(if: ProcessInfo.processInfo.environment[childVariable] == "1"))
    func child() throws {
        for line in try Self.summaries() { print("replay-summary \(line)") }
    }

    /// Runs this test binary again with only the child test, and reads its summaries.
    static func childSummaries() throws -> [String] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: CommandLine.arguments[0])
        process.arguments = ["--testing-library", "swift-testing", "--filter", "CrossProcessReplayTests/child"]
        process.environment = ProcessInfo.processInfo.environment.merging([childVariable: "1"]) { $1 }
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let text = String(decoding: data, as: UTF8.self)
        guard process.terminationStatus == 0 else {
            throw ChildFailed(status: process.terminationStatus, output: text)
        }
        let prefix = "replay-summary "
        return text.split(separator: "\n").filter { $0.hasPrefix(prefix) }.map { String($0.dropFirst(prefix.count)) }
    }

    struct ChildFailed: Error, CustomStringConvertible {
        let status: Int32
        let output: String
        var description: String { "the child test process exited with \(status):\n\(output.suffix(4000))" }
    }
}
