import ClusterProtocol
import MasterCore
import Testing

/// The registry's operations, as Mesos' registrar applies them: each moves one agent or
/// framework between the states it may be in, and refuses the moves it may not make.
@Suite("Registry")
struct RegistryTests {
    static let s0 = Mesos.AgentInfo(hostname: "h", id: "S0")

    func apply(_ operations: [RegistryOperation], to registry: Registry = Registry()) -> Result<
        Registry, RegistryRefusal
    > {
        var current = registry
        for operation in operations {
            switch current.applying(operation) {
            case .success(let next): current = next
            case .failure(let refusal): return .failure(refusal)
            }
        }
        return .success(current)
    }

    @Test("an agent goes admitted → unreachable → admitted → gone")
    func agentStates() throws {
        let registry = try apply([
            .admitAgent(Self.s0), .markUnreachable("S0", at: 5), .markReachable(Self.s0), .markGone("S0", at: 9),
        ]).get()
        #expect(registry.agents["S0"] == Registry.Agent(info: Self.s0, state: .gone, since: 9))
    }

    @Test(
        "moves an agent may not make are refused",
        arguments: [
            [RegistryOperation.admitAgent(Mesos.AgentInfo(hostname: "h"))],
            [.admitAgent(s0), .admitAgent(s0)],
            [.markUnreachable("S0", at: 1)],
            [.admitAgent(s0), .markReachable(s0)],
            [.admitAgent(s0), .markGone("S0", at: 1), .markGone("S0", at: 2)],
            [.admitAgent(s0), .markGone("S0", at: 1), .removeAgent("S0")],
            [.admitAgent(s0), .markUnreachable("S0", at: 1), .markUnreachable("S0", at: 2)],
            [.removeFramework("F")],
        ])
    func refusals(_ operations: [RegistryOperation]) {
        guard case .failure = apply(operations) else {
            Issue.record("\(operations) applied")
            return
        }
    }

    @Test("a removed agent leaves the registry; a framework is added, updated and removed")
    func removals() throws {
        var info = Mesos.FrameworkInfo(user: "u", name: "f")
        info.id = "F"
        var changed = info
        changed.failoverTimeout = 30
        let registry = try apply([
            .admitAgent(Self.s0), .removeAgent("S0"), .addFramework(info), .addFramework(changed),
        ]).get()
        #expect(registry.agents.isEmpty)
        #expect(registry.frameworks["F"]?.failoverTimeout == 30)
        #expect(try apply([.removeFramework("F")], to: registry).get().frameworks.isEmpty)
    }
}
