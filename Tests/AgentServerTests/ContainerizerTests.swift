import Foundation
import Testing

@testable import AgentServer

@Suite("Containerizer", .timeLimit(.minutes(2)))
struct ContainerizerTests {
    @Test("exit 0 and exit 3 are reported as such")
    func exitStatuses() async throws {
        try await ContainerTestBed.with { bed in
            _ = try await bed.containerizer.launch(bed.spec("zero", ["/bin/true"]))
            _ = try await bed.launchShell("three", "exit 3")
            let zero = try await bed.wait("zero")
            let three = try await bed.wait("three")
            #expect(zero.ending == .exited(status: 0))
            #expect(three.ending == .exited(status: 3))
            #expect(three.message == "Command exited with status 3")
            #expect(!three.memoryLimitExceeded && !three.killedByContainerizer)
        }
    }

    @Test("a process killed by a signal is reported with that signal")
    func killedBySignal() async throws {
        try await ContainerTestBed.with { bed in
            _ = try await bed.launchShell("usr1", "kill -USR1 $$; sleep 5")
            let termination = try await bed.wait("usr1")
            #expect(termination.ending == .signaled(signal: SIGUSR1))
            #expect(termination.signal == SIGUSR1)
        }
    }

    @Test("stdout and stderr land in the sandbox's files, appended")
    func outputFiles() async throws {
        try await ContainerTestBed.with { bed in
            let spec = bed.spec("out", ["/bin/sh", "-c", "echo to-stdout; echo to-stderr >&2"])
            try FileManager.default.createDirectory(atPath: spec.sandbox, withIntermediateDirectories: true)
            try "earlier\n".write(toFile: spec.sandbox + "/stdout", atomically: false, encoding: .utf8)
            _ = try await bed.containerizer.launch(spec)
            _ = try await bed.wait("out")
            #expect(bed.read("out", "stdout") == "earlier\nto-stdout\n")
            #expect(bed.read("out", "stderr") == "to-stderr\n")
        }
    }

    @Test("the environment is exactly the one given, with or without cgroups")
    func exactEnvironment() async throws {
        for isolation in [ContainerIsolationMode.automatic, .none] {
            try await ContainerTestBed.with(isolation: isolation) { bed in
                let environment = ["A": "1", "SPACED": "two words", "PATH": "/usr/bin:/bin"]
                _ = try await bed.containerizer.launch(bed.spec("env", ["env"], environment: environment))
                #expect(try await bed.wait("env").ending == .exited(status: 0))
                let lines = Set(bed.read("env", "stdout").split(separator: "\n").map(String.init))
                #expect(lines == ["A=1", "SPACED=two words", "PATH=/usr/bin:/bin"])

                // A PWD that is given is kept as given.
                _ = try await bed.containerizer.launch(bed.spec("pwd", ["/usr/bin/env"], environment: ["PWD": "/x"]))
                _ = try await bed.wait("pwd")
                #expect(bed.read("pwd", "stdout") == "PWD=/x\n")
            }
        }
    }

    @Test("the working directory is the sandbox, created if missing")
    func workingDirectory() async throws {
        try await ContainerTestBed.with { bed in
            let spec = bed.spec("cwd", ["/bin/pwd"])
            #expect(!FileManager.default.fileExists(atPath: spec.sandbox))
            _ = try await bed.containerizer.launch(spec)
            _ = try await bed.wait("cwd")
            #expect(bed.read("cwd", "stdout") == spec.sandbox + "\n")
        }
    }

    @Test("the process leads its own process group and runs in the container's cgroups")
    func processGroupAndCgroups() async throws {
        try await ContainerTestBed.with { bed in
            let handle = try await bed.launchShell("group", "echo ready; exec sleep 30")
            try await bed.awaitOutput("group", "ready")
            let entry = try #require(ProcessTable.entry(handle.pid))
            #expect(entry.processGroup == handle.pid)
            #expect(entry.processGroup != getpgrp())
            #expect(handle.processGroup == handle.pid)
            #expect(entry.startTime == handle.startTime && handle.startTime > 0)
            if case .cgroupsV1 = bed.containerizer.isolation {
                let lines = try KernelFile.read("/proc/\(handle.pid)/cgroup").split(separator: "\n")
                #expect(lines.contains { $0.contains(":memory:/\(bed.cgroupRoot)/group") })
                #expect(lines.contains { $0.contains("cpu") && $0.hasSuffix(":/\(bed.cgroupRoot)/group") })
                #expect(handle.cgroups.count == 2)
                for directory in handle.cgroups {
                    #expect(try KernelFile.read(directory + "/cgroup.procs") == "\(handle.pid)\n")
                }
            }
            try await bed.containerizer.kill("group")
        }
    }

    @Test("cgroups v1 limits are written as given")
    func limitsWritten() async throws {
        try await ContainerTestBed.with { bed in
            guard case .cgroupsV1(let memoryRoot, let cpuRoot) = bed.containerizer.isolation else { return }
            #expect(
                bed.containerizer.description
                    == "cgroups v1 (memory, cpu) under /sys/fs/cgroup/{memory,cpu}/\(bed.cgroupRoot)")
            _ = try await bed.launchShell("limits", "exec sleep 30", memoryLimitBytes: 96 << 20, cpuShares: 512)
            #expect(try KernelFile.read(cpuRoot + "/limits/cpu.shares") == "512\n")
            #expect(try KernelFile.read(memoryRoot + "/limits/memory.limit_in_bytes") == "\(96 << 20)\n")
            try await bed.containerizer.destroy("limits")
            #expect(!KernelFile.exists(cpuRoot + "/limits") && !KernelFile.exists(memoryRoot + "/limits"))
            #expect(KernelFile.exists(bed.directory + "/limits"), "the sandbox stays")
        }
    }

    @Test("a task that allocates past its memory limit is OOM-killed and reported")
    func memoryLimitInCgroup() async throws {
        try await ContainerTestBed.with { bed in
            guard bed.containerizer.isolation.usesCgroups else { return }
            _ = try await bed.launchShell(
                "hog", "x=$(head -c 200000000 /dev/zero | tr '\\0' x); echo survived", memoryLimitBytes: 64 << 20)
            let termination = try await bed.wait("hog")
            #expect(termination.memoryLimitExceeded)
            #expect(termination.message.hasPrefix("Memory limit exceeded: Requested: 64MB Maximum Used: "))
            #expect(!bed.read("hog", "stdout").contains("survived"))
            #expect(bed.livingProcesses(inContainer: "hog").isEmpty)
        }
    }

    @Test("kill: a process that traps TERM gets it and exits within the grace period")
    func killTermTrapped() async throws {
        try await ContainerTestBed.with { bed in
            _ = try await bed.launchShell(
                "polite", "trap 'echo got-term; exit 0' TERM; echo ready; while true; do sleep 0.05; done")
            try await bed.awaitOutput("polite", "ready")
            let start = ContinuousClock.now
            let termination = try await bed.containerizer.kill("polite", gracePeriod: .seconds(15))
            #expect(ContinuousClock.now - start < .seconds(10))
            #expect(termination.ending == .exited(status: 0))
            #expect(termination.killedByContainerizer)
            #expect(bed.read("polite", "stdout").contains("got-term"))
            #expect(bed.livingProcesses(inContainer: "polite").isEmpty)
        }
    }

    @Test("kill: a process that ignores TERM is SIGKILLed after the grace period")
    func killTermIgnored() async throws {
        try await ContainerTestBed.with { bed in
            let handle = try await bed.launchShell(
                "stubborn", "trap '' TERM; echo ready; while true; do sleep 0.05; done")
            try await bed.awaitOutput("stubborn", "ready")
            let start = ContinuousClock.now
            let termination = try await bed.containerizer.kill("stubborn", gracePeriod: .milliseconds(500))
            #expect(ContinuousClock.now - start >= .milliseconds(500))
            #expect(termination.ending == .signaled(signal: SIGKILL))
            #expect(ContainerTestBed.isGone(handle.pid))
            #expect(bed.livingProcesses(inContainer: "stubborn").isEmpty)
        }
    }

    @Test("kill: a grandchild that left the process group with setsid dies through the cgroup")
    func killEscapedGrandchild() async throws {
        try await ContainerTestBed.with { bed in
            guard bed.containerizer.isolation.usesCgroups else { return }
            let handle = try await bed.launchShell(
                "escape",
                "setsid sh -c 'trap \"\" TERM; echo $$ > grandchild; exec sleep 1000' & "
                    + "while [ ! -s grandchild ]; do sleep 0.02; done; echo ready; wait")
            try await bed.awaitOutput("escape", "ready")
            let grandchild = try #require(
                Int32(bed.read("escape", "grandchild").trimmingCharacters(in: .whitespacesAndNewlines)))
            let entry = try #require(ProcessTable.entry(grandchild))
            #expect(entry.processGroup != handle.pid, "the grandchild left the group")
            _ = try await bed.containerizer.kill("escape", gracePeriod: .seconds(5))
            #expect(ContainerTestBed.isGone(grandchild))
            #expect(ContainerTestBed.isGone(handle.pid))
            #expect(bed.livingProcesses(inContainer: "escape").isEmpty)
        }
    }

    @Test("a container's leftovers are killed when its main process exits")
    func leftoversKilledOnExit() async throws {
        try await ContainerTestBed.with { bed in
            guard bed.containerizer.isolation.usesCgroups else { return }
            _ = try await bed.launchShell("orphans", "setsid sleep 1000 & sleep 1000 & echo started")
            let termination = try await bed.wait("orphans")
            #expect(termination.ending == .exited(status: 0))
            #expect(bed.livingProcesses(inContainer: "orphans").isEmpty)
        }
    }

    @Test("containersMax containers at most; destroying one makes room")
    func containersMaxReached() async throws {
        try await ContainerTestBed.with(containersMax: 2) { bed in
            _ = try await bed.launchShell("one", "exec sleep 30")
            _ = try await bed.launchShell("two", "exec sleep 30")
            let error = await #expect(throws: ContainerError.self) { try await bed.launchShell("three", "true") }
            #expect(error?.kind == .containersMaxReached)
            #expect(error?.message.contains("containersMax") == true)
            try await bed.containerizer.destroy("one")
            _ = try await bed.launchShell("three", "true")
            #expect(try await bed.wait("three").ending == .exited(status: 0))
        }
    }

    @Test("a bad argv[0] is a launch error, not a hang, and leaves no cgroup")
    func badProgram() async throws {
        try await ContainerTestBed.with { bed in
            for argv in [["/nonexistent/program"], ["no-such-program-corral"], ["/etc/passwd"]] {
                let error = await #expect(throws: ContainerError.self) {
                    _ = try await bed.containerizer.launch(bed.spec("bad", argv))
                }
                #expect(error?.kind == .launchFailed)
                #expect(error?.message.contains(argv[0]) == true)
            }
            #expect(await bed.containerizer.containerIDs.isEmpty)
            if case .cgroupsV1(let memoryRoot, _) = bed.containerizer.isolation {
                #expect(!KernelFile.exists(memoryRoot + "/bad"))
            }
            let duplicate = try await bed.launchShell("dup", "exec sleep 30")
            let error = await #expect(throws: ContainerError.self) { try await bed.launchShell("dup", "true") }
            #expect(error?.kind == .duplicateContainer)
            #expect(ProcessTable.entry(duplicate.pid) != nil)
        }
    }

    @Test("a launch shim that cannot join its cgroup exits with its own status and the launch fails with the reason")
    func shimCannotJoin() async throws {
        let directory = NSTemporaryDirectory() + "corral-agent-shim-\(UInt32.random(in: 0...UInt32.max))"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let spec = ContainerSpec(containerID: "shim", sandbox: directory, argv: ["/bin/true"])
        let cgroup = ContainerCgroup(version: .v1, memory: "/nonexistent/memory/shim", cpu: "/nonexistent/cpu/shim")
        let error = #expect(throws: ContainerError.self) {
            _ = try Containerizer.start(spec, executable: "/bin/true", user: nil, cgroup: cgroup, waitShim: nil)
        }
        #expect(error?.kind == .launchFailed)
        #expect(error?.message.contains("/nonexistent/memory/shim/cgroup.procs") == true)
        #expect(error?.message.contains("exit status \(ContainerLaunchShim.failureStatus)") == true)
    }

    @Test("without cgroups, polling RSS kills a container over its memory limit")
    func memoryLimitByPolling() async throws {
        try await ContainerTestBed.with(isolation: .none, memoryPollInterval: .milliseconds(100)) { bed in
            #expect(
                bed.containerizer.description
                    == "cgroup isolation off: memory limits enforced by polling RSS every 100 ms")
            let handle = try await bed.launchShell(
                "hog", "x=$(head -c 400000000 /dev/zero | tr '\\0' x); echo survived; sleep 30",
                memoryLimitBytes: 64 << 20)
            #expect(handle.cgroups.isEmpty)
            let termination = try await bed.wait("hog")
            #expect(termination.memoryLimitExceeded)
            #expect(termination.ending == .signaled(signal: SIGKILL))
            #expect(termination.message.hasPrefix("Memory limit exceeded: Requested: 64MB Maximum Used: "))
            #expect((termination.memoryMaxUsedBytes ?? 0) > 64 << 20)
            #expect(!bed.read("hog", "stdout").contains("survived"))
        }
    }

    @Test("without cgroups, kill reaches the process group")
    func killWithoutCgroups() async throws {
        try await ContainerTestBed.with(isolation: .none) { bed in
            let handle = try await bed.launchShell("plain", "sleep 1000 & echo $! > child; echo ready; wait")
            try await bed.awaitOutput("plain", "ready")
            let child = try #require(Int32(bed.read("plain", "child").trimmingCharacters(in: .whitespacesAndNewlines)))
            let termination = try await bed.containerizer.kill("plain", gracePeriod: .seconds(5))
            #expect(termination.ending == .signaled(signal: SIGTERM))
            #expect(ContainerTestBed.isGone(child))
            #expect(ContainerTestBed.isGone(handle.pid))
        }
    }

    @Test("the reaper takes only its own children: a Foundation.Process beside it keeps its exit status")
    func reaperLeavesOtherChildren() async throws {
        try await ContainerTestBed.with { bed in
            let other = Process()
            other.executableURL = URL(fileURLWithPath: "/bin/sh")
            other.arguments = ["-c", "sleep 0.3; exit 7"]
            try other.run()
            for index in 0..<5 { _ = try await bed.launchShell("c\(index)", "exit \(index)") }
            for index in 0..<5 { #expect(try await bed.wait("c\(index)").ending == .exited(status: Int32(index))) }
            other.waitUntilExit()
            #expect(other.terminationStatus == 7)
        }
    }
}
