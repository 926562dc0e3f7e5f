import ClusterCore
import ClusterProtocol
import MasterCore
import Testing

/// Agents the master stops hearing from are marked unreachable, as Mesos' master does after
/// `--max_agent_ping_timeouts` unanswered pings, and come back through the registry.
@Suite("Agent health: pings, unreachable agents and their return")
struct AgentHealthTests {
    /// A master pinging every second, marking agents unreachable after three silent seconds;
    /// a partition-aware framework "pa" and another "na", each running one task on agent "a",
    /// and an agent "b" with nothing on it.
    struct Partitioned {
        var harness = MasterHarness { config in
            config.agentPingInterval = 1_000
            config.maxAgentPingTimeouts = 3
        }
        var aware: Mesos.FrameworkID
        var unaware: Mesos.FrameworkID
        var agent: Mesos.AgentID
        var other: Mesos.AgentID

        init() {
            var info = Mesos.FrameworkInfo(user: "u", name: "pa")
            info.capabilities = [.init(type: .partitionAware)]
            aware = harness.subscribe("pa", info: info)
            unaware = harness.subscribe("na")
            agent = harness.register("a", "cpus:4;mem:1024")
            other = harness.register("b", "cpus:4;mem:1024")
            launchOnA([("pa", aware, "t-pa"), ("na", unaware, "t-na")])
            harness.update("a", agent, framework: aware, task: "t-pa", .running, uuid: 1)
            harness.update("a", agent, framework: unaware, task: "t-na", .running, uuid: 2)
            _ = harness.takeUpdates("pa")
            _ = harness.takeUpdates("na")
        }

        /// Launches each framework's task on agent "a" as its offers of "a" come, declining
        /// the offers of "b".
        mutating func launchOnA(_ launches: [(name: String, id: Mesos.FrameworkID, task: String)]) {
            var waiting = launches
            for _ in 0..<4 where !waiting.isEmpty {
                harness.advance(0)
                for launch in waiting {
                    let offers = harness.takeOffers(launch.name)
                    let rest = offers.filter { $0.agentID != agent }.map(\.id)
                    let decline = Mesos.SchedulerCall.Decline(offerIDs: rest, filters: .init(refuseSeconds: 3_600))
                    harness.call(launch.name, launch.id, Mesos.SchedulerCall(type: .decline, decline: decline))
                    let onA = offers.filter { $0.agentID == agent }
                    guard !onA.isEmpty else { continue }
                    let task = MasterHarness.commandTask(launch.task, on: agent, "cpus:1;mem:64")
                    harness.call(launch.name, launch.id, MasterHarness.accept(onA, [task], refuse: 0))
                    waiting.removeAll { $0.task == launch.task }
                }
            }
            #expect(waiting.isEmpty)
        }

        /// Time passes in one-second steps; agent "b" answers each PING, agent "a" does not.
        mutating func silence(seconds: Int) {
            for _ in 0..<seconds {
                harness.advance(1_000)
                harness.step(.agentCalls([AgentCall(type: .pong, agentID: other)], streamID: "b"))
            }
        }

        mutating func comeBack(reporting tasks: [Mesos.Task], frameworks: [Mesos.FrameworkInfo]) -> MasterReply {
            var info = Mesos.AgentInfo(
                hostname: "a.example", resources: [Mesos.Resource](try! Resources(parsing: "cpus:4;mem:1024")))
            info.id = agent
            let register = AgentCall.Register(agentInfo: info, frameworks: frameworks, tasks: tasks)
            return harness.step(.agentRegister(register, stream: "a2"))
        }

        func running(_ id: String, of framework: Mesos.FrameworkID) -> Mesos.Task {
            Mesos.Task(
                name: id, taskID: Mesos.TaskID(value: id), frameworkID: framework, agentID: agent, state: .running,
                resources: [Mesos.Resource](try! Resources(parsing: "cpus:1;mem:64")))
        }
    }

    @Test("PINGs go out every interval; an agent that answers is kept, one silent for max pings is marked unreachable")
    func silenceMarksUnreachable() {
        var setup = Partitioned()
        setup.silence(seconds: 2)
        #expect(setup.harness.takeAgentEvents("a").filter { $0.type == .ping }.count == 2)
        #expect(setup.harness.master.agents[setup.agent] != nil)
        setup.harness.published = []
        setup.silence(seconds: 1)

        #expect(setup.harness.master.agents[setup.agent] == nil)
        #expect(setup.harness.master.agents[setup.other] != nil)
        #expect(setup.harness.master.registry.agents[setup.agent]?.state == .unreachable)
        #expect(setup.harness.master.registry.agents[setup.agent]?.since == setup.harness.now)
        #expect(setup.harness.closed.contains("a"))

        let aware = setup.harness.takeUpdates("pa")
        #expect(aware.map(\.state) == [.unreachable])
        #expect(aware.first?.reason == .agentRemoved)
        #expect(aware.first?.source == .master)
        #expect(aware.first?.uuid == nil)
        #expect(aware.first?.unreachableTime == Mesos.TimeInfo(nanoseconds: setup.harness.now * 1_000_000))
        let unaware = setup.harness.takeUpdates("na")
        #expect(unaware.map(\.state) == [.lost])
        #expect(unaware.first?.reason == .agentRemoved)
        for name in ["pa", "na"] {
            #expect(
                setup.harness.framework[StreamID(name)]?.contains {
                    $0.type == .failure && $0.failure?.agentID == setup.agent
                } == true)
        }
        #expect(setup.harness.published.contains { $0.type == .agentRemoved })
        #expect(setup.harness.master.frameworks[setup.aware]?.unreachableTasks["t-pa"]?.state == .unreachable)
        #expect(setup.harness.master.frameworks[setup.aware]?.tasks.isEmpty == true)
        #expect(setup.harness.master.frameworks[setup.unaware]?.completedTasks.map(\.state) == [.lost])
        #expect(setup.harness.master.operatorTasks.unreachableTasks.map(\.taskID.value) == ["t-pa"])
    }

    @Test("a disconnected agent is marked unreachable once silent for max pings, not when its stream ends")
    func disconnectedAgent() {
        var setup = Partitioned()
        setup.harness.step(.agentClosed("a"))
        setup.silence(seconds: 2)
        #expect(setup.harness.master.agents[setup.agent] != nil)
        #expect(setup.harness.takeUpdates("pa").isEmpty)
        setup.silence(seconds: 1)
        #expect(setup.harness.master.agents[setup.agent] == nil)
        #expect(setup.harness.takeUpdates("pa").map(\.state) == [.unreachable])
    }

    @Test(
        "while the marking is written, REGISTER is refused (503) and UNREGISTER ignored; a refused write is tried again"
    )
    func markingInFlight() {
        var setup = Partitioned()
        setup.harness.writesRegistryAtOnce = false
        setup.silence(seconds: 3)
        #expect(
            setup.harness.registryWrites.map(\.operations) == [[.markUnreachable(setup.agent, at: setup.harness.now)]])
        guard case .rejected(503, _) = setup.comeBack(reporting: [], frameworks: []) else {
            Issue.record("an agent registered again while it was being marked unreachable")
            return
        }
        setup.harness.step(.agentCalls([AgentCall(type: .unregister, agentID: setup.agent)], streamID: "a"))
        #expect(setup.harness.master.agents[setup.agent] != nil)
        #expect(setup.harness.master.removedAgents.contains(setup.agent) == false)

        setup.harness.completeRegistryWrites(refusal: "Keeper is unavailable")
        #expect(setup.harness.master.agents[setup.agent] != nil)
        // Its UNREGISTER was heard: three more silent seconds, and it is marked again.
        setup.silence(seconds: 3)
        #expect(setup.harness.registryWrites.count == 1)
        setup.harness.completeRegistryWrites()
        #expect(setup.harness.master.agents[setup.agent] == nil)
        #expect(setup.harness.master.registry.agents[setup.agent]?.state == .unreachable)
    }

    @Test(
        "while away a partition-aware task reconciles as TASK_UNREACHABLE; back, it is announced RUNNING (REASON_AGENT_REREGISTERED) and the other framework is shut down there"
    )
    func comeback() {
        var setup = Partitioned()
        setup.silence(seconds: 3)
        _ = setup.harness.takeUpdates("pa")
        _ = setup.harness.takeUpdates("na")
        _ = setup.harness.takeOffers("pa") + setup.harness.takeOffers("na")
        let query = Mesos.SchedulerCall(
            type: .reconcile, reconcile: .init(tasks: [.init(taskID: "t-pa", agentID: nil)]))
        setup.harness.call("pa", setup.aware, query)
        let answer = setup.harness.takeUpdates("pa")
        #expect(answer.map(\.state) == [.unreachable])
        #expect(answer.first?.unreachableTime != nil)

        let frameworks = [
            setup.harness.master.frameworks[setup.aware]!.info, setup.harness.master.frameworks[setup.unaware]!.info,
        ]
        let reply = setup.comeBack(
            reporting: [setup.running("t-pa", of: setup.aware), setup.running("t-na", of: setup.unaware)],
            frameworks: frameworks)
        #expect(reply == .streaming)
        #expect(setup.harness.master.registry.agents[setup.agent]?.state == .admitted)
        let events = setup.harness.takeAgentEvents("a2")
        #expect(events.map(\.type) == [.shutdownFramework, .registered])
        #expect(events.first?.shutdownFramework?.frameworkID == setup.unaware)
        let back = setup.harness.takeUpdates("pa")
        #expect(back.map(\.state) == [.running])
        #expect(back.first?.reason == .agentReregistered)
        #expect(setup.harness.takeUpdates("na").isEmpty)
        #expect(setup.harness.master.frameworks[setup.aware]?.unreachableTasks.isEmpty == true)
        #expect(setup.harness.master.frameworks[setup.aware]?.tasks["t-pa"]?.state == .running)
        #expect(setup.harness.master.frameworks[setup.unaware]?.tasks["t-na"] == nil)
        // Its resources are booked again: only what the task leaves is offered.
        setup.harness.advance(1_000)
        let offered = (setup.harness.takeOffers("pa") + setup.harness.takeOffers("na")).filter {
            $0.agentID == setup.agent
        }
        let cpus = offered.flatMap(\.resources).filter { $0.name == "cpus" }.compactMap(\.scalar?.value).reduce(0, +)
        #expect(cpus == 3)
    }

    /// Seed 520 of the cluster simulation: the agent's power failed after it heard
    /// SHUTDOWN_FRAMEWORK and before the shutdown reached its checkpoint.
    @Test("back, and registering again with the shut-down framework's task still there: it is shut down again first")
    func strayTaskAfterComeback() {
        var setup = Partitioned()
        setup.silence(seconds: 3)
        let frameworks = [
            setup.harness.master.frameworks[setup.aware]!.info, setup.harness.master.frameworks[setup.unaware]!.info,
        ]
        let reported = [setup.running("t-pa", of: setup.aware), setup.running("t-na", of: setup.unaware)]
        #expect(setup.comeBack(reporting: reported, frameworks: frameworks) == .streaming)
        _ = setup.harness.takeAgentEvents("a2")
        setup.harness.step(.agentClosed("a2"))
        var info = Mesos.AgentInfo(
            hostname: "a.example", resources: [Mesos.Resource](try! Resources(parsing: "cpus:4;mem:1024")))
        info.id = setup.agent
        let register = AgentCall.Register(agentInfo: info, frameworks: frameworks, tasks: reported)
        #expect(setup.harness.step(.agentRegister(register, stream: "a3")) == .streaming)
        let events = setup.harness.takeAgentEvents("a3")
        #expect(events.map(\.type) == [.shutdownFramework, .registered])
        #expect(events.first?.shutdownFramework?.frameworkID == setup.unaware)
        #expect(setup.harness.master.frameworks[setup.unaware]?.tasks["t-na"] == nil)
        #expect(setup.harness.master.frameworks[setup.aware]?.tasks["t-pa"]?.state == .running)
    }

    @Test("the unreachable tasks kept are the newest, up to the bound; removal and setting again refresh the order")
    func recentMap() {
        var map = RecentMap<Int, String>()
        for n in 0..<10 { map.set(n, "v\(n)", keeping: 4) }
        #expect(map.count == 4)
        #expect((0..<10).filter { map[$0] != nil } == [6, 7, 8, 9])
        map.set(6, "again", keeping: 4)
        map.set(10, "v10", keeping: 4)
        #expect((0..<11).filter { map[$0] != nil } == [6, 8, 9, 10])
        #expect(map.removeValue(forKey: 8) == "v8")
        for n in 11..<1_000 { map.set(n, "v\(n)", keeping: 4) }
        #expect(Set(map.values) == ["v996", "v997", "v998", "v999"])
    }
}
