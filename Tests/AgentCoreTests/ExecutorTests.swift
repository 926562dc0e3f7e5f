import AgentCore
import ClusterCore
import ClusterProtocol
import Testing

@Suite("agent: custom executors and task groups")
struct ExecutorTests {
    func customTask(_ harness: inout AgentHarness) -> Mesos.ContainerID {
        var task = AgentHarness.command("t1", "")
        task.command = nil
        task.executor = AgentHarness.executor("E")
        task.data = Mesos.Bytes(utf8: "payload")
        harness.run(task)
        return harness.launched[0].containerID
    }

    @Test(
        "a custom executor is started, subscribes, and is sent its queued task; its updates are acknowledged and forwarded"
    )
    func subscribeAndLaunch() throws {
        var harness = AgentHarness()
        let container = customTask(&harness)
        #expect(harness.launched[0].argv == ["/bin/sh", "-c", "/usr/bin/my-executor"])
        #expect(harness.launched[0].environment["MESOS_EXECUTOR_ID"] == "E")
        let subscribe = Mesos.ExecutorCall(executorID: "E", frameworkID: "F", type: .subscribe, subscribe: .init())
        #expect(harness.step(.executorSubscribe(subscribe, stream: "s")) == .streaming)
        let events = harness.toExecutor["s"] ?? []
        #expect(events.map(\.type) == [.subscribed, .launch])
        #expect(events[0].subscribed?.executorInfo.executorID == "E")
        #expect(events[0].subscribed?.frameworkInfo.id == "F")
        #expect(events[0].subscribed?.agentInfo.id == "A")
        #expect(events[0].subscribed?.containerID == container)
        #expect(events[1].launch?.task.data == Mesos.Bytes(utf8: "payload"))
        var status = Mesos.TaskStatus(taskID: "t1", state: .running)
        status.uuid = Mesos.Bytes([UInt8](repeating: 7, count: 16))
        let update = Mesos.ExecutorCall(executorID: "E", frameworkID: "F", type: .update, update: .init(status: status))
        #expect(harness.step(.executorCall(update)) == .accepted)
        #expect(harness.toExecutor["s"]?.last?.type == .acknowledged)
        let forwarded = harness.takeUpdates()
        #expect(forwarded.map(\.state) == [.running])
        #expect(forwarded[0].executorID == "E" && forwarded[0].agentID == "A" && forwarded[0].uuid == status.uuid)
    }

    @Test("an executor update without a 16-byte uuid, or for another's task, is refused with 400")
    func badUpdates() {
        var harness = AgentHarness()
        _ = customTask(&harness)
        harness.step(
            .executorSubscribe(Mesos.ExecutorCall(executorID: "E", frameworkID: "F", type: .subscribe), stream: "s"))
        var status = Mesos.TaskStatus(taskID: "t1", state: .running)
        status.uuid = Mesos.Bytes([1, 2])
        guard
            case .rejected(400, _) = harness.step(
                .executorCall(
                    Mesos.ExecutorCall(executorID: "E", frameworkID: "F", type: .update, update: .init(status: status)))
            )
        else {
            Issue.record("a 2-byte uuid was accepted")
            return
        }
        status.uuid = Mesos.Bytes([UInt8](repeating: 1, count: 16))
        status.taskID = "other"
        guard
            case .rejected(400, _) = harness.step(
                .executorCall(
                    Mesos.ExecutorCall(executorID: "E", frameworkID: "F", type: .update, update: .init(status: status)))
            )
        else {
            Issue.record("an update for another executor's task was accepted")
            return
        }
        guard
            case .rejected(403, _) = harness.step(
                .executorCall(
                    Mesos.ExecutorCall(executorID: "X", frameworkID: "F", type: .message, message: .init(data: [1]))))
        else {
            Issue.record("a call from an executor that is not subscribed was accepted")
            return
        }
    }

    @Test(
        "when the executor's process ends, its unfinished tasks fail with REASON_EXECUTOR_TERMINATED and the master hears"
    )
    func executorExits() {
        var harness = AgentHarness()
        let container = customTask(&harness)
        harness.step(
            .executorSubscribe(Mesos.ExecutorCall(executorID: "E", frameworkID: "F", type: .subscribe), stream: "s"))
        harness.step(.containerExited(container, ContainerExit(exitStatus: 1)))
        #expect(
            harness.takeUpdates().map { [$0.state == .failed, $0.reason == .executorTerminated] } == [[true, true]])
        #expect(harness.toMaster.contains { $0.type == .executorExited && $0.executorExited?.executorID == "E" })
    }

    @Test("an executor that does not subscribe within the registration timeout is killed; its task fails")
    func registrationTimeout() {
        var harness = AgentHarness()
        let container = customTask(&harness)
        harness.advance(59_999)
        #expect(harness.killed.isEmpty)
        harness.advance(1)
        #expect(harness.killed.map(\.0) == [container])
        harness.step(.containerExited(container, ContainerExit(signal: 9)))
        let updates = harness.takeUpdates()
        #expect(updates.map(\.state) == [.failed])
        #expect(updates.map(\.reason) == [.executorRegistrationTimeout])
    }

    @Test("a task group on the default executor runs each task in its own container; one failing kills the rest")
    func taskGroup() throws {
        var harness = AgentHarness()
        var executor = AgentHarness.executor("G")
        executor.type = .default
        executor.command = nil
        let group = Mesos.TaskGroupInfo(tasks: [
            AgentHarness.command("g1", "exit 1"), AgentHarness.command("g2", "sleep 60"),
        ])
        harness.step(
            .masterEvent(
                AgentEvent(
                    type: .runTaskGroup,
                    runTaskGroup: .init(frameworkInfo: AgentHarness.framework, executor: executor, taskGroup: group))))
        #expect(harness.launched.count == 2)
        let first = harness.launched[0]
        #expect(first.sandbox.hasSuffix("/tasks/g1"))
        #expect(first.environment["MESOS_EXECUTOR_ID"] == "G")
        for launch in harness.launched {
            harness.step(.containerStarted(launch.containerID, ProcessIdentity(pid: 1, startTime: 7)))
        }
        harness.step(.containerExited(first.containerID, ContainerExit(exitStatus: 1)))
        #expect(harness.killed.map(\.0) == [harness.launched[1].containerID])
        harness.step(.containerExited(harness.launched[1].containerID, ContainerExit(signal: 15)))
        var final: [String: Mesos.TaskState] = [:]
        while case let updates = harness.takeUpdates(), !updates.isEmpty {
            for update in updates {
                final[update.taskID.value] = update.state
                harness.ack(update)
            }
        }
        #expect(final == ["g1": .failed, "g2": .killed])
        #expect(harness.toMaster.contains { $0.type == .executorExited && $0.executorExited?.executorID == "G" })
        #expect(harness.agent.executors.isEmpty)
    }
}
