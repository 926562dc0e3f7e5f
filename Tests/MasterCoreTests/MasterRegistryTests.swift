import ClusterCore
import ClusterProtocol
import MasterCore
import Testing

/// The master and its registry: a new agent hears REGISTERED only once its admission is
/// written; a master that takes over starts from the registry.
@Suite("Master and registry")
struct MasterRegistryTests {
    static func info(_ host: String, id: Mesos.AgentID? = nil) -> Mesos.AgentInfo {
        Mesos.AgentInfo(hostname: host, resources: [Mesos.Resource](try! Resources(parsing: "cpus:2;mem:512")), id: id)
    }

    @Test("a new agent is admitted, and told REGISTERED, only once Keeper has its admission")
    func admissionWaitsForTheWrite() throws {
        var harness = MasterHarness()
        harness.writesRegistryAtOnce = false
        #expect(harness.step(.agentRegister(.init(agentInfo: Self.info("a")), stream: "a")) == .streaming)
        #expect(harness.agent["a"] == nil)
        #expect(harness.master.agents.isEmpty)
        let write = try #require(harness.registryWrites.first)
        guard case .admitAgent(let admitted) = write.operations.first else {
            Issue.record("\(write.operations)")
            return
        }
        harness.completeRegistryWrites()
        let id = try #require(harness.agent["a"]?.first?.registered?.agentID)
        #expect(id == admitted.id)
        #expect(harness.master.agents[id] != nil)
        #expect(harness.master.registry.agents[id]?.state == .admitted)
    }

    @Test("a refused admission closes the agent's stream; one whose stream ended first is not registered")
    func admissionRefusedOrAbandoned() {
        var harness = MasterHarness()
        harness.writesRegistryAtOnce = false
        harness.step(.agentRegister(.init(agentInfo: Self.info("a")), stream: "a"))
        harness.completeRegistryWrites(refusal: "too big")
        #expect(harness.closed.contains("a"))
        #expect(harness.master.agents.isEmpty && harness.master.registry.agents.isEmpty)

        harness.step(.agentRegister(.init(agentInfo: Self.info("b")), stream: "b"))
        harness.step(.agentClosed("b"))
        harness.completeRegistryWrites()
        #expect(harness.agent["b"] == nil)
        #expect(harness.master.agents.isEmpty)
        // It never learned its id, so its entry is removed again.
        #expect(harness.master.registry.agents.isEmpty)
    }

    @Test(
        "unreachable and gone agents past --registry-max-agent-age, and the oldest beyond the count, are pruned; a pruned agent is refused"
    )
    func registryGC() {
        let registry = Registry(agents: [
            "S1": .init(info: Self.info("a", id: "S1"), state: .unreachable, since: 1_000_000),
            "S2": .init(info: Self.info("b", id: "S2"), state: .gone, since: 1_005_000),
            "S3": .init(info: Self.info("c", id: "S3"), state: .unreachable, since: 1_006_000),
            "S4": .init(info: Self.info("d", id: "S4"), state: .unreachable, since: 1_007_000),
            "S5": .init(info: Self.info("e", id: "S5"), state: .admitted),
        ])
        var harness = MasterHarness(registry: registry) { config in
            config.registryMaxAgentAge = 100_000
            config.registryMaxAgentCount = 2
            config.registryGCInterval = 10_000
        }
        harness.advance(9_000)
        #expect(harness.master.registry.agents.count == 5, "not before the GC interval")
        harness.advance(1_000)
        // None is 100 s away yet, but 4 are away and 2 may stay: the oldest two go.
        #expect(harness.master.registry.agents.keys.sorted() == ["S3", "S4", "S5"])
        #expect(harness.master.nextWakeup <= harness.now + 10_000)
        harness.advance(150_000)
        // S3 and S4 are now over 100 s away; the admitted S5 stays.
        #expect(harness.master.registry.agents.keys.sorted() == ["S5"])
        let reply = harness.step(.agentRegister(.init(agentInfo: Self.info("c", id: "S3")), stream: "c"))
        guard case .rejected(403, let message) = reply else {
            Issue.record("a pruned agent was not refused: \(reply)")
            return
        }
        #expect(message.contains("only as a new agent"))
    }

    /// Written first, a return whose stream ended before the admission (seed 257 of the
    /// cluster simulation), or whose master failed before it, left the agent admitted in
    /// the registry with tasks their frameworks were told are lost.
    @Test(
        "an agent back from unreachable is taken back at once and written reachable after; a master elected before that write finds it unreachable still"
    )
    func returnWrittenAfterAdmission() {
        let registry = Registry(agents: ["S1": .init(info: Self.info("b", id: "S1"), state: .unreachable, since: 5)])
        var harness = MasterHarness(registry: registry)
        harness.writesRegistryAtOnce = false
        harness.step(.agentRegister(.init(agentInfo: Self.info("b", id: "S1")), stream: "b1"))
        #expect(harness.agent["b1"]?.contains { $0.registered?.agentID == "S1" } == true)
        #expect(harness.master.agents["S1"] != nil)
        #expect(harness.registryWrites.map(\.operations) == [[.markReachable(Self.info("b", id: "S1"))]])
        #expect(harness.master.registry.agents["S1"]?.state == .unreachable)

        // The master fails before Keeper takes the write: the next reads the old registry,
        // and takes the agent back from unreachable again.
        var next = MasterHarness(registry: harness.master.registry)
        next.writesRegistryAtOnce = false
        next.step(.agentRegister(.init(agentInfo: Self.info("b", id: "S1")), stream: "b2"))
        #expect(next.agent["b2"]?.contains { $0.registered?.agentID == "S1" } == true)
        #expect(next.registryWrites.map(\.operations) == [[.markReachable(Self.info("b", id: "S1"))]])

        harness.completeRegistryWrites()
        #expect(harness.master.registry.agents["S1"]?.state == .admitted)
    }

    @Test(
        "after a failover: an admitted agent registers at once, an unreachable one is marked reachable, a gone one is refused"
    )
    func agentsFromTheRegistry() {
        let registry = Registry(agents: [
            "S0": .init(info: Self.info("a", id: "S0"), state: .admitted),
            "S1": .init(info: Self.info("b", id: "S1"), state: .unreachable, since: 5),
            "S2": .init(info: Self.info("c", id: "S2"), state: .gone, since: 5),
        ])
        var harness = MasterHarness(registry: registry)
        harness.writesRegistryAtOnce = false
        harness.step(.agentRegister(.init(agentInfo: Self.info("a", id: "S0")), stream: "a"))
        #expect(harness.registryWrites.isEmpty)
        #expect(harness.agent["a"]?.first?.registered?.agentID == "S0")

        harness.step(.agentRegister(.init(agentInfo: Self.info("b", id: "S1")), stream: "b"))
        #expect(harness.registryWrites.map(\.operations) == [[.markReachable(Self.info("b", id: "S1"))]])
        harness.completeRegistryWrites()
        #expect(harness.agent["b"]?.first?.registered?.agentID == "S1")
        #expect(harness.master.registry.agents["S1"]?.state == .admitted)

        guard
            case .rejected(403, _) = harness.step(
                .agentRegister(.init(agentInfo: Self.info("c", id: "S2")), stream: "c"))
        else {
            Issue.record("a gone agent registered")
            return
        }
    }

    @Test("frameworks are written when they subscribe and when they are removed")
    func frameworksWritten() {
        var harness = MasterHarness()
        var info = Mesos.FrameworkInfo(user: "u", name: "f")
        info.failoverTimeout = 60
        let id = harness.subscribe("f", info: info)
        #expect(harness.master.registry.frameworks[id]?.failoverTimeout == 60)
        harness.call("f", id, Mesos.SchedulerCall(type: .teardown))
        #expect(harness.master.registry.frameworks[id] == nil)
    }

    @Test("a framework torn down while its addition is being written is removed from the registry too")
    func teardownWhileWriting() {
        var harness = MasterHarness()
        harness.writesRegistryAtOnce = false
        let id = harness.subscribe("f")
        harness.call("f", id, Mesos.SchedulerCall(type: .teardown))
        #expect(harness.registryWrites.map(\.operations.count) == [1, 1])
        harness.completeRegistryWrites()
        #expect(harness.master.registry.frameworks.isEmpty)
    }

    @Test("a framework from the registry waits for its scheduler: at least 10 min, then it is removed")
    func recoveredFramework() {
        var info = Mesos.FrameworkInfo(user: "u", name: "f")
        info.id = "F"
        info.failoverTimeout = 0
        var harness = MasterHarness(registry: Registry(frameworks: ["F": info]))
        #expect(harness.master.frameworks["F"]?.isConnected == false)
        harness.advance(9 * 60_000)
        #expect(harness.master.frameworks["F"] != nil)
        harness.advance(61_000)
        #expect(harness.master.frameworks["F"] == nil)
        #expect(harness.master.registry.frameworks["F"] == nil)

        var again = MasterHarness(registry: Registry(frameworks: ["F": info]))
        #expect(again.subscribe("f", info: info) == "F")
        #expect(again.master.frameworks["F"]?.isConnected == true)
    }

    @Test("an agent that unregisters leaves the registry")
    func removalWritten() {
        var harness = MasterHarness()
        let agent = harness.register("a", "cpus:1;mem:64")
        #expect(harness.master.registry.agents[agent] != nil)
        harness.step(.agentCalls([AgentCall(type: .unregister, agentID: agent)], streamID: "a"))
        #expect(harness.master.registry.agents[agent] == nil)
    }
}

/// RECONCILE right after a failover, before every agent is back: Mesos' rules for tasks the
/// new master does not know yet.
@Suite("Reconciliation after a failover")
struct FailoverReconciliationTests {
    static let registry = Registry(agents: [
        "S0": .init(info: MasterRegistryTests.info("a", id: "S0"), state: .admitted),
        "S1": .init(info: MasterRegistryTests.info("b", id: "S1"), state: .admitted),
        "S2": .init(info: MasterRegistryTests.info("c", id: "S2"), state: .unreachable, since: 5),
        "S3": .init(info: MasterRegistryTests.info("d", id: "S3"), state: .gone, since: 5),
    ])

    func reconcile(_ harness: inout MasterHarness, _ id: Mesos.FrameworkID, _ queries: [(String, Mesos.AgentID?)])
        -> [String: Mesos.TaskState]
    {
        let call = Mesos.SchedulerCall(
            type: .reconcile,
            reconcile: .init(tasks: queries.map { .init(taskID: Mesos.TaskID(value: $0.0), agentID: $0.1) }))
        harness.call("f", id, call)
        return Dictionary(uniqueKeysWithValues: harness.takeUpdates("f").map { ($0.taskID.value, $0.state) })
    }

    @Test(
        "a partition-aware framework: nothing for agents not back yet, then GONE, UNREACHABLE, GONE_BY_OPERATOR, UNKNOWN"
    )
    func partitionAware() {
        var harness = MasterHarness(registry: Self.registry)
        var info = Mesos.FrameworkInfo(user: "u", name: "f")
        info.capabilities = [.init(type: .partitionAware)]
        let id = harness.subscribe("f", info: info)
        harness.step(.agentRegister(.init(agentInfo: MasterRegistryTests.info("a", id: "S0")), stream: "a"))
        let answers = reconcile(
            &harness, id, [("t0", "S0"), ("t1", "S1"), ("t2", "S2"), ("t3", "S3"), ("t4", "S9"), ("t5", nil)])
        #expect(answers == ["t0": .gone, "t2": .unreachable, "t3": .goneByOperator, "t4": .unknown])

        harness.step(.agentRegister(.init(agentInfo: MasterRegistryTests.info("b", id: "S1")), stream: "b"))
        let later = reconcile(&harness, id, [("t1", "S1"), ("t5", nil)])
        #expect(later == ["t1": .gone, "t5": .unknown])
    }

    @Test("a framework that is not partition-aware hears TASK_LOST where the others hear more")
    func notPartitionAware() {
        var harness = MasterHarness(registry: Self.registry)
        let id = harness.subscribe("f")
        let answers = reconcile(&harness, id, [("t1", "S1"), ("t2", "S2"), ("t3", "S3"), ("t4", "S9"), ("t5", nil)])
        #expect(answers == ["t2": .lost, "t3": .lost, "t4": .lost])
    }
}

/// Agents that do not come back after a failover, and agents that come back from unreachable.
@Suite("Unreachable agents in the registry")
struct UnreachableRegistryAgentTests {
    @Test("agents of the registry not back within the re-registration timeout are marked unreachable")
    func reregistrationTimeout() {
        let registry = Registry(agents: [
            "S0": .init(info: MasterRegistryTests.info("a", id: "S0"), state: .admitted),
            "S1": .init(info: MasterRegistryTests.info("b", id: "S1"), state: .admitted),
        ])
        var harness = MasterHarness(registry: registry) { $0.agentReregisterTimeout = 60_000 }
        let started = harness.now
        harness.step(.agentRegister(.init(agentInfo: MasterRegistryTests.info("a", id: "S0")), stream: "a"))
        #expect(harness.master.nextWakeup <= started + 60_000)
        harness.advance(59_000)
        #expect(harness.master.registry.agents["S1"]?.state == .admitted)
        harness.writesRegistryAtOnce = false
        harness.advance(1_000)
        // While its marking is written, the agent may not register.
        guard
            case .rejected(503, _) = harness.step(
                .agentRegister(.init(agentInfo: MasterRegistryTests.info("b", id: "S1")), stream: "b"))
        else {
            Issue.record("an agent registered while it was being marked unreachable")
            return
        }
        harness.completeRegistryWrites()
        #expect(harness.master.registry.agents["S1"]?.state == .unreachable)
        #expect(harness.master.registry.agents["S1"]?.since == started + 60_000)
        #expect(harness.master.registry.agents["S0"]?.state == .admitted)
    }

    @Test(
        "an agent back from unreachable: frameworks that are not partition-aware are shut down there, the others keep their tasks"
    )
    func backFromUnreachable() {
        var aware = Mesos.FrameworkInfo(user: "u", name: "aware")
        aware.id = "PA"
        aware.capabilities = [.init(type: .partitionAware)]
        var unaware = Mesos.FrameworkInfo(user: "u", name: "unaware")
        unaware.id = "NA"
        let registry = Registry(
            agents: ["S0": .init(info: MasterRegistryTests.info("a", id: "S0"), state: .unreachable, since: 1)])
        var harness = MasterHarness(registry: registry)
        func task(_ id: String, _ framework: Mesos.FrameworkID) -> Mesos.Task {
            Mesos.Task(
                name: id, taskID: Mesos.TaskID(value: id), frameworkID: framework, agentID: "S0", state: .running,
                resources: [Mesos.Resource](try! Resources(parsing: "cpus:0.5;mem:64")))
        }
        let register = AgentCall.Register(
            agentInfo: MasterRegistryTests.info("a", id: "S0"), frameworks: [aware, unaware],
            tasks: [task("t-pa", "PA"), task("t-na", "NA")])
        harness.step(.agentRegister(register, stream: "a"))
        let events = harness.takeAgentEvents("a")
        #expect(events.map(\.type) == [.shutdownFramework, .registered])
        #expect(events.first?.shutdownFramework?.frameworkID == "NA")
        #expect(harness.master.frameworks["PA"]?.tasks["t-pa"]?.state == .running)
        #expect(harness.master.frameworks["NA"] == nil)
        #expect(harness.master.registry.agents["S0"]?.state == .admitted)
    }
}
