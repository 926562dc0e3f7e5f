import AgentCore
import ClusterCore
import ClusterProtocol
import Testing

@Suite("agent: checkpoint and recovery after a restart")
struct RecoveryTests {
    static var checkpointing: Mesos.FrameworkInfo {
        var info = AgentHarness.framework
        info.checkpoint = true
        return info
    }

    /// A registered agent running one command task of a checkpointing framework, started:
    /// TASK_STARTING acknowledged, TASK_RUNNING not yet.
    static func running(_ id: String = "t1") -> (AgentHarness, Mesos.ContainerID) {
        var harness = AgentHarness()
        harness.framework = checkpointing
        harness.run(AgentHarness.command(id, "sleep 600"))
        let container = harness.launched.last!.containerID
        harness.step(.containerStarted(container, ProcessIdentity(pid: 4242, startTime: 99)))
        let starting = harness.takeUpdates()
        #expect(starting.map(\.state) == [.starting])
        harness.ack(starting[0])
        return (harness, container)
    }

    @Test("a step that launches a task checkpoints it first: the checkpoint comes before the launch")
    func checkpointBeforeLaunch() throws {
        var harness = AgentHarness()
        harness.framework = Self.checkpointing
        harness.run(AgentHarness.command("t1", "sleep 600"))
        guard case .checkpoint(let checkpoint) = try #require(harness.lastActions.first) else {
            Issue.record("the first action is \(harness.lastActions.first!), not the checkpoint")
            return
        }
        #expect(harness.lastActions.dropFirst().contains { if case .launch = $0 { true } else { false } })
        #expect(checkpoint.agentID == "A")
        #expect(checkpoint.executors.flatMap { $0.tasks.keys } == ["t1"])
        #expect(checkpoint.containers.count == 1 && checkpoint.containers[0].recover)
        #expect(checkpoint.containers[0].process == nil)
        let count = harness.checkpoints.count
        harness.step(.tick)
        #expect(harness.checkpoints.count == count, "a step that changes nothing writes nothing")
    }

    @Test("the process's pid and start time, and an unacknowledged update, are checkpointed before it is sent")
    func processAndUpdate() throws {
        let (harness, container) = Self.running()
        let checkpoint = try #require(harness.checkpoints.last)
        #expect(
            checkpoint.containers.first { $0.containerID == container }?.process
                == ProcessIdentity(pid: 4242, startTime: 99))
        #expect(checkpoint.updates.flatMap(\.statuses).map(\.state) == [.running])
        guard case .checkpoint = harness.lastActions.first else {
            Issue.record("the update went out before its checkpoint")
            return
        }
    }

    @Test("a framework that does not checkpoint: only its container is kept, to be killed after a restart")
    func notCheckpointing() throws {
        var harness = AgentHarness()
        harness.run(AgentHarness.command("t1", "sleep 600"))
        let checkpoint = try #require(harness.checkpoints.last)
        #expect(checkpoint.frameworks.isEmpty && checkpoint.executors.isEmpty)
        #expect(checkpoint.containers.count == 1 && !checkpoint.containers[0].recover)
        var recovered = try AgentHarness(recovering: checkpoint, alive: [], at: harness.now + 1000)
        #expect(recovered.agent.registration.tasks.isEmpty)
        recovered.register()
        #expect(recovered.takeUpdates().isEmpty)
    }

    @Test("recovered: the same agent id and tasks in REGISTER; the unacknowledged update is sent again with its uuid")
    func recovery() throws {
        let (harness, container) = Self.running()
        let running = try #require(harness.toMaster.compactMap(\.update).last?.status)
        #expect(running.state == .running)
        var recovered = try AgentHarness(
            recovering: harness.checkpoints.last!, alive: [container], at: harness.now + 5000)
        let register = recovered.agent.registration
        #expect(register.agentInfo.id == "A")
        #expect(register.tasks.map(\.taskID) == ["t1"] && register.tasks[0].state == .running)
        #expect(register.tasks[0].statusUpdateUuid == running.uuid)
        recovered.register()
        let resent = recovered.takeUpdates()
        #expect(resent.map(\.uuid) == [running.uuid])
        recovered.ack(resent[0])
        recovered.step(.containerExited(container, ContainerExit(statusUnknown: true)))
        let end = recovered.takeUpdates()
        #expect(end.map(\.state) == [.failed] && end[0].reason == .executorTerminated)
    }

    @Test(
        "a task whose process ended while the agent was down is TASK_FAILED (REASON_EXECUTOR_TERMINATED); one being killed, TASK_KILLED"
    )
    func endedWhileDown() throws {
        var (harness, first) = Self.running("t1")
        harness.run(AgentHarness.command("t2", "sleep 600"))
        let second = harness.launched.last!.containerID
        harness.step(.containerStarted(second, ProcessIdentity(pid: 4243, startTime: 100)))
        _ = harness.ackAll()
        harness.step(.masterEvent(AgentEvent(type: .killTask, killTask: .init(frameworkID: "F", taskID: "t2"))))
        var recovered = try AgentHarness(recovering: harness.checkpoints.last!, alive: [], at: harness.now + 5000)
        guard case .checkpoint(let written) = try #require(recovered.lastActions.first) else {
            Issue.record("the recovery's updates were not checkpointed first")
            return
        }
        #expect(written.updates.count == 2)
        recovered.register()
        let updates = recovered.takeUpdates().sorted { $0.taskID.value < $1.taskID.value }
        #expect(updates.map(\.state) == [.failed, .killed])
        #expect(updates[0].reason == .executorTerminated)
        #expect(updates[0].message?.contains("ended while the agent was down") == true)
        _ = first
    }

    @Test("a recovered custom executor has executorReregistrationTimeout to subscribe again, then is killed")
    func customExecutorReregistration() throws {
        var harness = AgentHarness()
        harness.framework = Self.checkpointing
        var task = AgentHarness.command("t1", "ignored")
        task.command = nil
        task.executor = AgentHarness.executor("e1")
        harness.run(task)
        let container = harness.launched.last!.containerID
        harness.step(.containerStarted(container, ProcessIdentity(pid: 5000, startTime: 1)))
        harness.step(
            .executorSubscribe(Mesos.ExecutorCall(executorID: "e1", frameworkID: "F", type: .subscribe), stream: "s1"))
        var recovered = try AgentHarness(
            recovering: harness.checkpoints.last!, alive: [container], at: harness.now + 1000)
        recovered.register()
        recovered.advance(AgentHarness.config.executorReregistrationTimeout - 1)
        #expect(recovered.killed.isEmpty)
        let reply = recovered.step(
            .executorSubscribe(Mesos.ExecutorCall(executorID: "e1", frameworkID: "F", type: .subscribe), stream: "s2"))
        #expect(reply == .streaming)
        recovered.advance(10_000)
        #expect(recovered.killed.isEmpty, "subscribed again in time")

        var late = try AgentHarness(recovering: harness.checkpoints.last!, alive: [container], at: harness.now + 1000)
        late.advance(AgentHarness.config.executorReregistrationTimeout)
        #expect(late.killed.map(\.0) == [container])
    }

    @Test("a checkpoint of an agent started otherwise, or in another format, is refused with the reason")
    func refusals() throws {
        let (harness, _) = Self.running()
        var checkpoint = harness.checkpoints.last!
        var config = AgentHarness.config
        config.agentInfo.hostname = "other"
        #expect(Agent.refusal(of: checkpoint, config: config) == .reconfigured("hostname h, not other"))
        checkpoint.formatVersion = 99
        #expect(Agent.refusal(of: checkpoint, config: AgentHarness.config) == .unknownFormat(99))
        #expect(throws: Agent.RecoveryRefusal.self) {
            _ = try Agent.recover(from: checkpoint, alive: [], config: AgentHarness.config, now: 0)
        }
    }
}
