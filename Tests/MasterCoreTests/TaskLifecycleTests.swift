import ClusterCore
import ClusterProtocol
import MasterCore
import Testing

@Suite("master: status updates, acknowledgements, kills, reconciliation, failover")
struct TaskLifecycleTests {
    /// One framework "f", one agent "a", task "t1" launched on 1 cpu.
    func launched() -> (MasterHarness, Mesos.FrameworkID, Mesos.AgentID) {
        var harness = MasterHarness()
        let framework = harness.subscribe("f")
        let agent = harness.register("a", "cpus:2;mem:512")
        harness.advance(0)
        let offers = harness.takeOffers("f")
        harness.call(
            "f", framework,
            MasterHarness.accept(offers, [MasterHarness.commandTask("t1", on: agent, "cpus:1;mem:128")], refuse: 0))
        _ = harness.takeAgentEvents("a")
        return (harness, framework, agent)
    }

    @Test("updates reach the framework with their uuid; ACKNOWLEDGE goes back to the agent")
    func updatesAndAcks() {
        var (harness, framework, agent) = launched()
        harness.update("a", agent, framework: framework, task: "t1", .running, uuid: 1)
        let updates = harness.takeUpdates("f")
        #expect(updates.map(\.state) == [.running])
        #expect(updates[0].uuid == MasterHarness.uuid(1))
        #expect(harness.master.frameworks[framework]?.tasks["t1"]?.state == .running)
        let ack = Mesos.SchedulerCall(
            type: .acknowledge, acknowledge: .init(agentID: agent, taskID: "t1", uuid: MasterHarness.uuid(1)))
        #expect(harness.call("f", framework, ack) == .accepted)
        let sent = harness.takeAgentEvents("a")
        #expect(sent.map(\.type) == [.acknowledge])
        #expect(sent[0].acknowledge?.uuid == MasterHarness.uuid(1))
        let bad = Mesos.SchedulerCall(
            type: .acknowledge, acknowledge: .init(agentID: agent, taskID: "t1", uuid: Mesos.Bytes([1, 2, 3])))
        guard case .rejected(400, _) = harness.call("f", framework, bad) else {
            Issue.record("a uuid of 3 bytes was acknowledged")
            return
        }
    }

    @Test("a batch of agent calls is taken in order up to the first refusal, which answers for the batch")
    func agentCallBatch() {
        var (harness, framework, agent) = launched()
        func update(_ state: Mesos.TaskState, _ n: UInt8) -> AgentCall {
            var status = Mesos.TaskStatus(taskID: Mesos.TaskID(value: "t1"), state: state)
            status.uuid = MasterHarness.uuid(n)
            status.agentID = agent
            return AgentCall(type: .update, agentID: agent, update: .init(frameworkID: framework, status: status))
        }
        let register = AgentCall(
            type: .register, agentID: agent, register: .init(agentInfo: Mesos.AgentInfo(hostname: "a")))
        _ = harness.takeUpdates("f")
        let reply = harness.step(.agentCalls([update(.starting, 1), register, update(.running, 2)], streamID: "a"))
        #expect(reply == .rejected(status: 400, message: "REGISTER opens a stream; send it without a stream id"))
        #expect(harness.takeUpdates("f").map(\.state) == [.starting])
        #expect(harness.step(.agentCalls([update(.running, 2), update(.finished, 3)], streamID: "a")) == .accepted)
        #expect(harness.takeUpdates("f").map(\.state) == [.running, .finished])
        #expect(
            harness.step(.agentCalls([], streamID: "a"))
                == .rejected(status: 400, message: "Expecting at least one call"))
    }

    @Test("a terminal latest_state frees the task's resources at once; its acknowledgement removes the task")
    func terminalRecovers() {
        var (harness, framework, agent) = launched()
        harness.advance(0)
        _ = harness.takeOffers("f")
        harness.update("a", agent, framework: framework, task: "t1", .running, uuid: 1, latest: .finished)
        #expect(harness.master.frameworks[framework]?.tasks["t1"]?.state == .finished)
        harness.advance(0)
        let offers = harness.takeOffers("f")
        #expect(offers.contains { (try? Resources($0.resources))?.cpus == Scalar(units: 1) })
        harness.call(
            "f", framework,
            Mesos.SchedulerCall(
                type: .acknowledge, acknowledge: .init(agentID: agent, taskID: "t1", uuid: MasterHarness.uuid(1))))
        #expect(harness.master.frameworks[framework]?.tasks["t1"] != nil)
        harness.update("a", agent, framework: framework, task: "t1", .finished, uuid: 2)
        harness.call(
            "f", framework,
            Mesos.SchedulerCall(
                type: .acknowledge, acknowledge: .init(agentID: agent, taskID: "t1", uuid: MasterHarness.uuid(2))))
        #expect(harness.master.frameworks[framework]?.tasks["t1"] == nil)
        #expect(harness.master.frameworks[framework]?.completedTasks.map(\.state) == [.finished])
        #expect(harness.master.allocator.used.isEmpty)
    }

    @Test("KILL of a known task goes to its agent; of an unknown task answers TASK_LOST for reconciliation")
    func kill() {
        var (harness, framework, agent) = launched()
        harness.call("f", framework, Mesos.SchedulerCall(type: .kill, kill: .init(taskID: "t1")))
        #expect(harness.takeAgentEvents("a").map { $0.killTask?.taskID } == ["t1"])
        harness.call("f", framework, Mesos.SchedulerCall(type: .kill, kill: .init(taskID: "nope", agentID: agent)))
        let updates = harness.takeUpdates("f")
        #expect(updates.map(\.state) == [.lost])
        #expect(updates.map(\.reason) == [.reconciliation])
    }

    @Test("RECONCILE answers the latest state with REASON_RECONCILIATION, SOURCE_MASTER and no uuid")
    func reconcile() {
        var (harness, framework, agent) = launched()
        harness.update("a", agent, framework: framework, task: "t1", .running, uuid: 1)
        _ = harness.takeUpdates("f")
        harness.call(
            "f", framework,
            Mesos.SchedulerCall(
                type: .reconcile, reconcile: .init(tasks: [.init(taskID: "t1"), .init(taskID: "ghost")])))
        let explicit = harness.takeUpdates("f")
        #expect(explicit.map(\.state) == [.running, .lost])
        #expect(explicit.allSatisfy { $0.reason == .reconciliation && $0.source == .master && $0.uuid == nil })
        harness.call("f", framework, Mesos.SchedulerCall(type: .reconcile, reconcile: .init()))
        #expect(harness.takeUpdates("f").map(\.taskID.value) == ["t1"])
    }

    /// Found by the cluster simulation (seeds 6, 8 and 11 before the fix): a task finished
    /// while its TASK_RUNNING waited for acknowledgement; reconciliation answered the latest
    /// state, TASK_FINISHED, and the framework then heard TASK_RUNNING after it. Mesos
    /// answers the state of the latest update forwarded.
    @Test("RECONCILE answers the state the framework's updates have reached, not a latest state that runs ahead")
    func reconcileBehindLatestState() {
        var (harness, framework, agent) = launched()
        harness.update("a", agent, framework: framework, task: "t1", .running, uuid: 1, latest: .finished)
        #expect(harness.takeUpdates("f").map(\.state) == [.running])
        let ask = Mesos.SchedulerCall(type: .reconcile, reconcile: .init(tasks: [.init(taskID: "t1")]))
        harness.call("f", framework, ask)
        #expect(harness.takeUpdates("f").map(\.state) == [.running])
        harness.call("f", framework, Mesos.SchedulerCall(type: .reconcile, reconcile: .init()))
        #expect(harness.takeUpdates("f").map(\.state) == [.running])
        harness.update("a", agent, framework: framework, task: "t1", .finished, uuid: 2)
        _ = harness.takeUpdates("f")
        harness.call("f", framework, ask)
        #expect(harness.takeUpdates("f").map(\.state) == [.finished])
    }

    /// The terminal case was found by the cluster simulation (seed 86): the agent restarted
    /// without the task (its framework does not checkpoint) and with it the terminal update
    /// the framework had not acknowledged; the master, asking only about live tasks, never
    /// asked, and the framework heard the task's earlier state for ever.
    @Test(
        "an agent that registers again without a task the master holds on it (live, or ended and unacknowledged) is asked to account for it",
        arguments: [nil, Mesos.TaskState.finished])
    func agentMissingTask(ended: Mesos.TaskState?) throws {
        var (harness, framework, agent) = launched()
        if let ended {
            harness.update("a", agent, framework: framework, task: "t1", ended, uuid: 1)
            #expect(harness.master.frameworks.values.first?.tasks["t1"]?.isTerminal == true)
        }
        harness.step(.agentClosed("a"))
        var register = AgentCall.Register(agentInfo: Mesos.AgentInfo(hostname: "a.example", id: agent))
        register.agentInfo.resources = [Mesos.Resource](try Resources(parsing: "cpus:2;mem:512"))
        #expect(harness.step(.agentRegister(register, stream: "a2")) == .streaming)
        let registered = try #require(harness.takeAgentEvents("a2").first?.registered)
        #expect(registered.reconciliations.flatMap(\.taskIDs) == ["t1"])
        #expect(registered.reconciliations.first?.frameworkInfo.id == harness.master.frameworks.keys.first)
    }

    @Test("a framework whose stream closes is removed after its failover timeout, its tasks shut down")
    func failoverTimeout() {
        var harness = MasterHarness()
        var info = Mesos.FrameworkInfo(user: "u", name: "f")
        info.failoverTimeout = 10
        let framework = harness.subscribe("f", info: info)
        let agent = harness.register("a", "cpus:2;mem:512")
        harness.advance(0)
        harness.call(
            "f", framework,
            MasterHarness.accept(harness.takeOffers("f"), [MasterHarness.commandTask("t1", on: agent, "cpus:1")]))
        _ = harness.takeAgentEvents("a")
        harness.step(.schedulerClosed("f"))
        #expect(harness.master.frameworks[framework]?.active == false)
        harness.advance(9_000)
        #expect(harness.master.frameworks[framework] != nil)
        harness.advance(1_000)
        #expect(harness.master.frameworks[framework] == nil)
        #expect(harness.takeAgentEvents("a").map(\.type).contains(.shutdownFramework))
        #expect(harness.master.completedFrameworks.first?.completedTasks.map(\.state) == [.killed])
        #expect(harness.master.allocator.used.isEmpty)
    }

    @Test("TEARDOWN removes the framework at once and closes its stream")
    func teardown() {
        var (harness, framework, _) = launched()
        #expect(harness.call("f", framework, Mesos.SchedulerCall(type: .teardown)) == .accepted)
        #expect(harness.master.frameworks[framework] == nil)
        #expect(harness.closed.contains("f"))
        #expect(harness.takeAgentEvents("a").map(\.type) == [.shutdownFramework])
    }

    @Test("an agent registering with a new master brings its tasks; they stay booked and reconcile")
    func reregistration() {
        var harness = MasterHarness()
        var frameworkInfo = Mesos.FrameworkInfo(user: "u", name: "f")
        frameworkInfo.id = "old-0000"
        frameworkInfo.failoverTimeout = 60
        var agentInfo = Mesos.AgentInfo(
            hostname: "a", resources: [Mesos.Resource](try! Resources(parsing: "cpus:2;mem:512")))
        agentInfo.id = "old-S0"
        let task = Mesos.Task(
            name: "t", taskID: "t", frameworkID: "old-0000", agentID: "old-S0", state: .running,
            resources: [Mesos.Resource](try! Resources(parsing: "cpus:1;mem:128"), allocationRole: "*"))
        let register = AgentCall.Register(agentInfo: agentInfo, frameworks: [frameworkInfo], tasks: [task])
        #expect(harness.step(.agentRegister(register, stream: "a")) == .streaming)
        #expect(harness.agent[StreamID("a")]?.first?.registered?.agentID == "old-S0")
        #expect(harness.master.frameworks["old-0000"]?.tasks["t"]?.state == .running)
        var call = Mesos.SchedulerCall(type: .subscribe, subscribe: .init(frameworkInfo: frameworkInfo))
        call.frameworkID = "old-0000"
        #expect(harness.step(.schedulerSubscribe(call, stream: "f")) == .streaming)
        harness.advance(0)
        let offers = harness.takeOffers("f")
        #expect(offers.map { (try? Resources($0.resources)) } == [try? Resources(parsing: "cpus:1;mem:384")])
        harness.call("f", "old-0000", Mesos.SchedulerCall(type: .reconcile, reconcile: .init()))
        #expect(harness.takeUpdates("f").map(\.state) == [.running])
    }
}
