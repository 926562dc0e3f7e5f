import Testing

@testable import AgentServer

@Suite("Container parts")
struct ContainerPartsTests {
    @Test("/proc/PID/stat fields are counted from the command's last parenthesis")
    func parseStat() throws {
        let text =
            "4242 (a) b (c)) S 1 4242 4242 0 -1 4194560 100 0 0 0 1 2 0 0 20 0 1 0 987654 1234567 321 18446744073709551615"
        let entry = try #require(ProcessTable.parse(stat: text))
        #expect(
            entry == .init(pid: 4242, state: "S", parent: 1, processGroup: 4242, startTime: 987654, residentPages: 321))
    }

    @Test("wait statuses decode to exit statuses and signals")
    func waitStatus() {
        #expect(ContainerTermination.ending(waitStatus: 3 << 8) == .exited(status: 3))
        #expect(ContainerTermination.ending(waitStatus: 9) == .signaled(signal: 9))
        #expect(ContainerTermination.ending(waitStatus: 0x80 | 11) == .signaled(signal: 11))
    }

    @Test("the memory message reads as Mesos writes it")
    func memoryMessage() {
        let termination = ContainerTermination(
            ending: .signaled(signal: 9), memoryLimitExceeded: true, memoryLimitBytes: 64 << 20,
            memoryMaxUsedBytes: 64 << 20)
        #expect(termination.message == "Memory limit exceeded: Requested: 64MB Maximum Used: 64MB")
    }

    @Test("cpu shares map onto cgroup v2 weights")
    func cpuWeight() {
        #expect(ContainerCgroup.weight(2) == 1)
        #expect(ContainerCgroup.weight(1024) == 39)
        #expect(ContainerCgroup.weight(262_144) == 10_000)
    }

    @Test("specs that cannot be launched are refused with the reason")
    func invalidSpecs() {
        let good = ContainerSpec(containerID: "c-1.x_y", sandbox: "/tmp/s", argv: ["/bin/true"], cpuShares: 2)
        #expect(throws: Never.self) { try good.validate() }
        var bad = [ContainerSpec]()
        for id in ["", "..", "a/b", String(repeating: "x", count: 201)] {
            var spec = good
            spec.containerID = id
            bad.append(spec)
        }
        var spec = good
        spec.sandbox = "relative"
        bad.append(spec)
        spec = good
        spec.argv = []
        bad.append(spec)
        spec = good
        spec.environment = ["A=B": "c"]
        bad.append(spec)
        spec = good
        spec.cpuShares = 1
        bad.append(spec)
        spec = good
        spec.memoryLimitBytes = 0
        bad.append(spec)
        for spec in bad {
            let error = #expect(throws: ContainerError.self) { try spec.validate() }
            #expect(error?.kind == .invalidSpec)
        }
    }
}
