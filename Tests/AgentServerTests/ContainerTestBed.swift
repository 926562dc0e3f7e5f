import Foundation
import Logging
import Testing

@testable import AgentServer

/// A containerizer of its own for one test: a unique cgroup root (`corral-test-<random>`)
/// and a scratch directory for sandboxes, both removed afterwards, with every container
/// destroyed even when the test fails.
struct ContainerTestBed {
    let containerizer: Containerizer
    let directory: String
    let cgroupRoot: String

    static func with(
        isolation: ContainerIsolationMode = .automatic, containersMax: Int = Containerizer.containersMaxDefault,
        memoryPollInterval: Duration = .milliseconds(500), waitShim: Bool = false, rootTasksAllowed: Bool = true,
        _ body: (ContainerTestBed) async throws -> Void
    ) async throws {
        let suffix = String(UInt64.random(in: 0...UInt64.max), radix: 16)
        let root = "corral-test-\(suffix)"
        let directory = NSTemporaryDirectory() + "corral-agent-tests-\(suffix)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        var logger = Logger(label: "corral.agent.containerizer.test")
        logger.logLevel = .warning
        let containerizer = try Containerizer(
            isolation: isolation, cgroupRoot: root, containersMax: containersMax,
            memoryPollInterval: memoryPollInterval, waitShim: waitShim ? Self.waitShim(in: directory) : nil,
            rootTasksAllowed: rootTasksAllowed, logger: logger)
        let bed = ContainerTestBed(containerizer: containerizer, directory: directory, cgroupRoot: root)
        var failure: (any Error)?
        do { try await body(bed) } catch { failure = error }
        for id in await containerizer.containerIDs {
            do { try await containerizer.destroy(id) } catch { Issue.record("cleanup: \(error)") }
        }
        do { try await containerizer.removeCgroupRoots() } catch { Issue.record("cleanup: \(error)") }
        await containerizer.shutdown()
        try? FileManager.default.removeItem(atPath: directory)
        if let failure { throw failure }
    }

    /// `corral container-wait` of the corral binary built beside the test bundle (or
    /// CORRAL_BINARY), its status files under `directory/status`.
    static func waitShim(in directory: String) -> ContainerWaitShim.Setup {
        let binary =
            ProcessInfo.processInfo.environment["CORRAL_BINARY"]
            ?? URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent(
                "corral"
            ).path
        return ContainerWaitShim.Setup(argv: [binary, "container-wait"], directory: directory + "/status")
    }

    /// A spec whose sandbox is `directory/<id>`.
    func spec(
        _ id: String, _ argv: [String], environment: [String: String] = ["PATH": "/usr/bin:/bin"],
        memoryLimitBytes: Int? = nil, cpuShares: Int? = nil
    ) -> ContainerSpec {
        ContainerSpec(
            containerID: id, sandbox: directory + "/" + id, argv: argv, environment: environment,
            memoryLimitBytes: memoryLimitBytes, cpuShares: cpuShares)
    }

    /// `sh -c script` in a fresh container.
    func launchShell(
        _ id: String, _ script: String, memoryLimitBytes: Int? = nil, cpuShares: Int? = nil
    ) async throws -> ContainerHandle {
        try await containerizer.launch(
            spec(id, ["/bin/sh", "-c", script], memoryLimitBytes: memoryLimitBytes, cpuShares: cpuShares))
    }

    /// The container's termination, or a failed test after `limit`.
    func wait(_ id: String, within limit: Duration = .seconds(20)) async throws -> ContainerTermination {
        let containerizer = self.containerizer
        return try await withThrowingTaskGroup(of: ContainerTermination?.self) { group in
            group.addTask { try await containerizer.wait(for: id) }
            group.addTask {
                try await Task.sleep(for: limit)
                return nil
            }
            let first = try await group.next() ?? nil
            group.cancelAll()
            guard let first else { throw TestFailure("container \(id) did not end within \(limit)") }
            return first
        }
    }

    func read(_ id: String, _ file: String) -> String {
        (try? String(contentsOfFile: directory + "/" + id + "/" + file, encoding: .utf8)) ?? ""
    }

    /// Waits (polling, bounded) until the container's stdout holds `marker`: the process has
    /// set itself up.
    func awaitOutput(_ id: String, _ marker: String, within limit: Duration = .seconds(20)) async throws {
        let deadline = ContinuousClock.now + limit
        while !read(id, "stdout").contains(marker) {
            guard ContinuousClock.now < deadline else {
                throw TestFailure("container \(id) did not print \(marker) within \(limit)")
            }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    /// Live processes (not zombies) whose /proc/PID/cgroup names the container.
    func livingProcesses(inContainer id: String) -> [Int32] {
        let marker = "/\(cgroupRoot)/\(id)"
        return ProcessTable.all().filter { entry in
            guard !entry.isDead, let text = KernelFile.readIfPresent("/proc/\(entry.pid)/cgroup") else { return false }
            return text.split(separator: "\n").contains { $0.hasSuffix(marker) }
        }.map(\.pid)
    }

    static func isGone(_ pid: Int32) -> Bool { ProcessTable.entry(pid)?.isDead ?? true }
}

struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
