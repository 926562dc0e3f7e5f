import Foundation
import Logging
import Testing

@testable import AgentServer

/// `corral container-wait` between a container's process and its program: the program's
/// end passes through unchanged, is written down, and an agent started again reads it.
@Suite("container wait shim")
struct ContainerWaitShimTests {
    @Test("the program's exit status passes through the shim, which writes it down")
    func exitStatus() async throws {
        try await ContainerTestBed.with(waitShim: true) { bed in
            _ = try await bed.launchShell("exits", "exit 3")
            let termination = try await bed.wait("exits")
            #expect(termination.exitStatus == 3)
            #expect(bed.containerizer.waitShim?.status(of: "exits") == 3 << 8)
        }
    }

    @Test("a program killed by a signal: the shim ends by the same signal")
    func signal() async throws {
        try await ContainerTestBed.with(waitShim: true) { bed in
            _ = try await bed.launchShell("killed", "kill -9 $$")
            let termination = try await bed.wait("killed")
            #expect(termination.signal == 9)
            #expect(bed.containerizer.waitShim?.status(of: "killed") == 9)
        }
    }

    @Test("a kill's SIGTERM reaches the program, and the shim waits through its grace period")
    func gracefulKill() async throws {
        try await ContainerTestBed.with(waitShim: true) { bed in
            _ = try await bed.launchShell(
                "graceful", "trap 'sleep 0.3; exit 5' TERM; echo ready; while :; do sleep 0.05; done")
            try await bed.awaitOutput("graceful", "ready")
            let termination = try await bed.containerizer.kill("graceful", gracePeriod: .seconds(10))
            #expect(termination.exitStatus == 5, "\(termination.message)")
        }
    }

    /// What an agent started again does: another containerizer takes the process back and
    /// learns how it ended from the status file (before, always an unknown status).
    @Test("a container taken back by another containerizer ends with the status its shim wrote")
    func adopted() async throws {
        try await ContainerTestBed.with(isolation: .none, waitShim: true) { bed in
            let go = bed.directory + "/go"
            let handle = try await bed.launchShell(
                "kept", "echo ready; while [ ! -e \(go) ]; do sleep 0.02; done; exit 4")
            try await bed.awaitOutput("kept", "ready")
            var logger = Logger(label: "test")
            logger.logLevel = .warning
            let restarted = try Containerizer(
                isolation: .none, cgroupRoot: bed.cgroupRoot, memoryPollInterval: .milliseconds(50),
                waitShim: bed.containerizer.waitShim, logger: logger)
            let adopted = await restarted.adopt(
                "kept", pid: handle.pid, startTime: handle.startTime, sandbox: bed.directory + "/kept")
            #expect(adopted != nil)
            #expect(FileManager.default.createFile(atPath: go, contents: nil))
            let termination = try await restarted.wait(for: "kept")
            #expect(termination.exitStatus == 4, "\(termination.message)")
            try await restarted.destroy("kept")
            await restarted.shutdown()
        }
    }
}
