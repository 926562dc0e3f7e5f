import ClusterCore
import ClusterProtocol
import MasterCore
import Testing

/// The operator's maintenance calls: each is written to the registry, then carried out,
/// then answered.
@Suite("Maintenance: deactivate, reactivate, drain, mark gone")
struct MaintenanceTests {
    /// A partition-aware framework "pa" with task "t1" running on agent "a".
    struct Running {
        var harness = MasterHarness()
        var framework: Mesos.FrameworkID
        var agent: Mesos.AgentID

        init(partitionAware: Bool = true) {
            var info = Mesos.FrameworkInfo(user: "u", name: "pa")
            if partitionAware { info.capabilities = [.init(type: .partitionAware)] }
            framework = harness.subscribe("pa", info: info)
            agent = harness.register("a", "cpus:4;mem:1024")
            harness.advance(0)
            let offers = harness.takeOffers("pa")
            harness.call(
                "pa", framework,
                MasterHarness.accept(offers, [MasterHarness.commandTask("t1", on: agent, "cpus:1;mem:64")], refuse: 0))
            harness.update("a", agent, framework: framework, task: "t1", .running, uuid: 1)
            acknowledge(1)
            _ = harness.takeUpdates("pa")
            _ = harness.takeAgentEvents("a")
        }

        mutating func acknowledge(_ n: UInt8, task: String = "t1") {
            let ack = Mesos.SchedulerCall(
                type: .acknowledge,
                acknowledge: .init(agentID: agent, taskID: Mesos.TaskID(value: task), uuid: MasterHarness.uuid(n)))
            harness.call("pa", framework, ack)
        }

        @discardableResult
        mutating func maintain(_ call: MaintenanceCall, request: Int = 7) -> MasterReply {
            harness.step(.maintenance(call, request: request))
        }

        /// The offers of agent "a" made at the next allocation round.
        mutating func offeredOnA() -> [Mesos.Offer] {
            harness.advance(1_000)
            return harness.takeOffers("pa").filter { $0.agentID == agent }
        }
    }

    @Test(
        "DEACTIVATE_AGENT is answered once written; the agent's offers are rescinded and it is offered nothing until REACTIVATE_AGENT"
    )
    func deactivateAndReactivate() {
        var setup = Running()
        #expect(!setup.offeredOnA().isEmpty)
        setup.harness.writesRegistryAtOnce = false
        #expect(setup.maintain(.deactivate(setup.agent)) == .accepted)
        #expect(setup.harness.answers.isEmpty)
        #expect(setup.harness.registryWrites.map(\.operations) == [[.deactivateAgent(setup.agent)]])
        setup.harness.completeRegistryWrites()
        #expect(setup.harness.answers.map(\.request) == [7])
        #expect(setup.harness.answers.first?.refusal == nil)
        #expect(setup.harness.master.registry.agents[setup.agent]?.deactivated == true)
        #expect(setup.harness.framework["pa"]?.contains { $0.type == .rescind } == true)
        setup.harness.writesRegistryAtOnce = true
        #expect(setup.offeredOnA().isEmpty)
        #expect(setup.harness.master.frameworks[setup.framework]?.tasks["t1"]?.state == .running)

        // Registering again does not make it active.
        var info = Mesos.AgentInfo(
            hostname: "a.example", resources: [Mesos.Resource](try! Resources(parsing: "cpus:4;mem:1024")))
        info.id = setup.agent
        setup.harness.step(.agentRegister(.init(agentInfo: info), stream: "a2"))
        #expect(setup.offeredOnA().isEmpty)

        #expect(setup.maintain(.reactivate(setup.agent), request: 8) == .accepted)
        #expect(setup.harness.answers.last?.request == 8)
        #expect(setup.harness.master.registry.agents[setup.agent]?.deactivated == false)
        #expect(!setup.offeredOnA().isEmpty)
    }

    @Test(
        "DRAIN_AGENT: the agent hears DRAIN with the grace period; once its tasks are gone it is DRAINED, then marked gone if asked"
    )
    func drain() {
        var setup = Running()
        #expect(setup.maintain(.drain(setup.agent, maxGracePeriod: 2_000, markGone: true)) == .accepted)
        #expect(setup.harness.answers.map(\.request) == [7])
        let drain = setup.harness.takeAgentEvents("a").filter { $0.type == .drain }
        #expect(drain.first?.drain?.maxGracePeriod == Mesos.DurationInfo(nanoseconds: 2_000_000_000))
        #expect(setup.harness.master.registry.agents[setup.agent]?.drain?.state == .draining)
        #expect(setup.offeredOnA().isEmpty)

        // The task is killed; DRAINED only once its update is acknowledged.
        setup.harness.update("a", setup.agent, framework: setup.framework, task: "t1", .killed, uuid: 2)
        setup.harness.advance(1_000)
        #expect(setup.harness.master.registry.agents[setup.agent]?.drain?.state == .draining)
        setup.acknowledge(2)
        setup.harness.advance(1_000)
        #expect(setup.harness.master.registry.agents[setup.agent]?.state == .gone)
        #expect(setup.harness.takeAgentEvents("a").map(\.type).contains(.shutdown))
        #expect(setup.harness.master.agents[setup.agent] == nil)
    }

    @Test("a draining agent that registers again hears DRAIN again after REGISTERED")
    func drainResent() {
        var setup = Running()
        setup.maintain(.drain(setup.agent, maxGracePeriod: nil, markGone: false))
        setup.harness.step(.agentClosed("a"))
        var info = Mesos.AgentInfo(
            hostname: "a.example", resources: [Mesos.Resource](try! Resources(parsing: "cpus:4;mem:1024")))
        info.id = setup.agent
        let running = Mesos.Task(
            name: "t1", taskID: "t1", frameworkID: setup.framework, agentID: setup.agent, state: .running,
            resources: [Mesos.Resource](try! Resources(parsing: "cpus:1;mem:64")))
        setup.harness.step(.agentRegister(.init(agentInfo: info, tasks: [running]), stream: "a2"))
        let events = setup.harness.takeAgentEvents("a2").map(\.type)
        #expect(events == [.registered, .drain])
    }

    @Test(
        "MARK_AGENT_GONE: a running task becomes TASK_GONE_BY_OPERATOR (TASK_LOST if not partition-aware); the id never registers again"
    )
    func markGone() {
        for partitionAware in [true, false] {
            var setup = Running(partitionAware: partitionAware)
            #expect(setup.maintain(.markGone(setup.agent)) == .accepted)
            #expect(setup.harness.answers.map(\.request) == [7])
            let updates = setup.harness.takeUpdates("pa")
            #expect(updates.map(\.state) == [partitionAware ? .goneByOperator : .lost])
            #expect(updates.first?.reason == (partitionAware ? .agentRemovedByOperator : .agentRemoved))
            #expect(setup.harness.takeAgentEvents("a").map(\.type) == [.shutdown])
            #expect(setup.harness.master.registry.agents[setup.agent]?.state == .gone)
            // Again: answered at once, nothing written.
            #expect(setup.maintain(.markGone(setup.agent), request: 9) == .accepted)
            #expect(setup.harness.answers.last?.request == 9)
            var info = Mesos.AgentInfo(hostname: "a.example", resources: [])
            info.id = setup.agent
            guard case .rejected(403, _) = setup.harness.step(.agentRegister(.init(agentInfo: info), stream: "a3"))
            else {
                Issue.record("an agent marked gone registered again")
                continue
            }
        }
    }

    @Test("an unreachable agent marked gone: its unreachable tasks become TASK_GONE_BY_OPERATOR")
    func unreachableMarkedGone() {
        var setup = Running()
        setup.harness.step(.agentClosed("a"))
        setup.harness.advance(setup.harness.master.config.agentSilenceMax)
        #expect(setup.harness.takeUpdates("pa").map(\.state) == [.unreachable])
        setup.maintain(.markGone(setup.agent))
        #expect(setup.harness.takeUpdates("pa").map(\.state) == [.goneByOperator])
        #expect(setup.harness.master.frameworks[setup.framework]?.unreachableTasks.isEmpty == true)
        #expect(setup.harness.master.frameworks[setup.framework]?.completedTasks.last?.state == .goneByOperator)
    }

    @Test(
        "refusals: an unknown agent (404), reactivating an active one (400), anything but MARK_AGENT_GONE on a gone one (400), a refused write"
    )
    func refusals() {
        var setup = Running()
        guard case .rejected(404, _) = setup.maintain(.deactivate("nope")) else {
            Issue.record("an unknown agent was deactivated")
            return
        }
        guard case .rejected(400, _) = setup.maintain(.reactivate(setup.agent)) else {
            Issue.record("an active agent was reactivated")
            return
        }
        guard case .rejected(400, _) = setup.maintain(.drain(setup.agent, maxGracePeriod: -1, markGone: false)) else {
            Issue.record("a negative grace period was taken")
            return
        }
        setup.harness.writesRegistryAtOnce = false
        setup.maintain(.deactivate(setup.agent))
        guard case .rejected(503, _) = setup.maintain(.drain(setup.agent, maxGracePeriod: nil, markGone: false)) else {
            Issue.record("a second call went in while the first was written")
            return
        }
        setup.harness.completeRegistryWrites(refusal: "Keeper is unavailable")
        #expect(setup.harness.answers.first?.refusal == "Keeper is unavailable")
        #expect(setup.harness.master.registry.agents[setup.agent]?.deactivated == false)
        #expect(!setup.offeredOnA().isEmpty)
        setup.harness.writesRegistryAtOnce = true
        setup.maintain(.markGone(setup.agent))
        guard case .rejected(400, _) = setup.maintain(.deactivate(setup.agent)) else {
            Issue.record("a gone agent was deactivated")
            return
        }
    }
}
