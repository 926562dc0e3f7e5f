import AppsCore
import Testing

/// Apps refuses (422) an app no agent could ever hold, naming the field.
@Suite struct AgentCapacityTests {
    private func harness(_ agents: [AgentCapacity]) -> AppsHarness {
        var harness = AppsHarness()
        harness.subscribe()
        harness.step(.agentCapacities(agents))
        return harness
    }

    private let small = AgentCapacity(hostname: "a", cpus: 2, mem: 1024, disk: 1000, gpus: 0, ports: 100)

    @Test("a field larger than on every agent is a 422 on its path, saying the largest; nothing is stored")
    func tooLarge() {
        var harness = harness([small])
        let storedBefore = harness.stored.count
        let reply = harness.create(AppsHarness.app("/big") { $0.cpus = 8 })
        guard case .invalid(let problems) = reply else {
            Issue.record("expected 422, got \(reply)")
            return
        }
        #expect(problems.map(\.path) == ["/cpus"])
        #expect(problems.first?.errors.first?.hasPrefix("No agent has 8 cpus: the largest has 2") == true)
        #expect(harness.scheduler.apps.isEmpty && harness.stored.count == storedBefore)
    }

    @Test("fields each held by some agent but never together are a 422 on the app")
    func neverTogether() {
        var harness = harness([
            AgentCapacity(hostname: "cpu", cpus: 8, mem: 128, disk: 1000, gpus: 0, ports: 100),
            AgentCapacity(hostname: "mem", cpus: 1, mem: 8192, disk: 1000, gpus: 0, ports: 100),
        ])
        guard
            case .invalid(let problems) = harness.create(
                AppsHarness.app("/both") {
                    $0.cpus = 4
                    $0.mem = 4096
                })
        else {
            Issue.record("expected 422")
            return
        }
        #expect(problems.map(\.path) == ["/"])
    }

    @Test("an app that fits is taken; until agents are known, and for 0 instances, nothing is refused")
    func fitsOrUnknown() {
        var known = harness([small])
        guard case .deployment = known.create(AppsHarness.app("/ok") { $0.cpus = 2 }) else {
            Issue.record("an app that fits must be taken")
            return
        }
        guard case .deployment = known.create(AppsHarness.app("/idle", instances: 0) { $0.cpus = 64 }) else {
            Issue.record("an app of no instance places nothing")
            return
        }
        var unknown = AppsHarness()
        unknown.subscribe()
        guard case .deployment = unknown.create(AppsHarness.app("/big") { $0.cpus = 64 }) else {
            Issue.record("with no agent known yet the app waits, as in Marathon")
            return
        }
    }
}
