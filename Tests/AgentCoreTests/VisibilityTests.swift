import AgentCore
import ClusterCore
import ClusterProtocol
import Testing

/// What the agent's `--acls` let a principal see of it (`Agent.visible(to:)`), and the
/// user each executor and task runs as, which those rules and access_sandboxes judge.
@Suite("agent: what a principal may see")
struct VisibilityTests {
    typealias Rule = MesosACLs.Rule

    /// Only `dev`'s rules: it may see what runs as `alice` and nothing else.
    static func onlyAlice(_ actions: [MesosACLs.Action]) -> MesosACLs {
        let rules = [
            Rule(principals: .some(["dev"]), object: .some(["alice"])),
            Rule(principals: .some(["dev"]), object: .none),
        ]
        return MesosACLs(rules: Dictionary(uniqueKeysWithValues: actions.map { ($0, rules) }))
    }

    /// Command tasks as alice and bob, a custom executor as the framework's user `u`, and
    /// one command task of alice that ended.
    static func agent() -> AgentHarness {
        var harness = AgentHarness()
        for (id, user) in [("ta", "alice"), ("tb", "bob")] {
            var task = AgentHarness.command(id, "sleep 9")
            task.command?.user = user
            harness.run(task)
        }
        var custom = AgentHarness.command("tc", "")
        custom.command = nil
        custom.executor = AgentHarness.executor("E")
        harness.run(custom)
        var ended = AgentHarness.command("tz", "true")
        ended.command?.user = "alice"
        harness.run(ended)
        let container = harness.launched.last!.containerID
        harness.step(.containerStarted(container, ProcessIdentity(pid: 100, startTime: 7)))
        harness.step(.containerExited(container, ContainerExit(exitStatus: 0)))
        _ = harness.ackAll()
        return harness
    }

    static func executorIDs(_ agent: Agent) -> [String] { agent.executors.keys.map(\.executor.value).sorted() }

    @Test("each executor and task runs as its command's user, else its executor's, else the framework's")
    func users() throws {
        let agent = Self.agent().agent
        let users = agent.executors.values.map { ($0.info.executorID.value, agent.user(of: $0)) }
        #expect(Dictionary(uniqueKeysWithValues: users) == ["ta": "alice", "tb": "bob", "E": "u"])
        let ended = try #require(agent.executorRun(framework: "F", executor: "tz"))
        #expect(agent.user(of: ended) == "alice" && ended.phase == .terminated)
        #expect(agent.executorRun(framework: "F", executor: "ta")?.info.executorID == "ta")
        #expect(agent.executorRun(framework: "F", executor: "nope") == nil)
        #expect(agent.executorRun(framework: "G", executor: "ta") == nil)
    }

    @Test("view_executors hides the executors (and so their tasks) of users the principal may not see")
    func executors() {
        let agent = Self.agent().agent
        let acls = Self.onlyAlice([.viewExecutors])
        let dev = agent.visible(to: "dev", acls)
        #expect(Self.executorIDs(dev) == ["ta"])
        #expect(dev.completedExecutors.map(\.info.executorID.value) == ["tz"])
        #expect(dev.frameworks.count == 1)
        // Another principal, and an anonymous request, fall to permissive.
        #expect(Self.executorIDs(agent.visible(to: "ops", acls)) == ["E", "ta", "tb"])
        #expect(Self.executorIDs(agent.visible(to: nil, acls)) == ["E", "ta", "tb"])
    }

    @Test("view_tasks hides tasks but keeps their executors; view_frameworks hides a framework and all it runs")
    func tasksAndFrameworks() {
        let agent = Self.agent().agent
        let dev = agent.visible(to: "dev", Self.onlyAlice([.viewTasks]))
        #expect(Self.executorIDs(dev) == ["E", "ta", "tb"])
        #expect(dev.executors.values.flatMap { $0.tasks.keys.map(\.value) }.sorted() == ["ta"])
        let hidden = agent.visible(to: "dev", Self.onlyAlice([.viewFrameworks]))
        #expect(hidden.frameworks.isEmpty && hidden.executors.isEmpty && hidden.completedExecutors.isEmpty)
    }

    @Test("with no view rule the agent is shown whole, whatever the other actions say")
    func ungoverned() {
        let agent = Self.agent().agent
        let visible = agent.visible(to: "dev", Self.onlyAlice([.accessSandboxes, .viewContainers, .runTasks]))
        #expect(visible.executors == agent.executors && visible.completedExecutors == agent.completedExecutors)
        #expect(visible.frameworks == agent.frameworks)
    }
}
