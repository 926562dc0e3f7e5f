import ClusterProtocol
import Testing

@Suite("executor API JSON")
struct ExecutorJSONTests {
    @Test("executor SUBSCRIBE decodes, with what it has not heard acknowledged")
    func subscribe() throws {
        let json = """
            {
              "executor_id": {"value": "exec-1"},
              "framework_id": {"value": "fw-1"},
              "type": "SUBSCRIBE",
              "subscribe": {
                "unacknowledged_tasks": [
                  {"name": "t1", "task_id": {"value": "t1"}, "agent_id": {"value": "agent-1"},
                   "command": {"value": "sleep 10"}}
                ],
                "unacknowledged_updates": [
                  {"status": {"task_id": {"value": "t1"}, "state": "TASK_RUNNING", "source": "SOURCE_EXECUTOR",
                              "uuid": "\(sampleUUIDBase64)"}}
                ]
              }
            }
            """
        let call = try decode(Mesos.ExecutorCall.self, json)
        #expect(call.type == .subscribe)
        #expect(call.executorID == "exec-1")
        #expect(call.frameworkID == "fw-1")
        #expect(call.subscribe?.unacknowledgedTasks.map(\.taskID) == ["t1"])
        #expect(call.subscribe?.unacknowledgedUpdates.first?.status.uuid == sampleUUID)
        #expect(try roundTrip(call) == call)

        let fresh = try decode(
            Mesos.ExecutorCall.self,
            #"{"executor_id": {"value": "e"}, "framework_id": {"value": "f"}, "type": "SUBSCRIBE", "subscribe": {}}"#)
        #expect(fresh == .subscribe(executorID: "e", frameworkID: "f"))
        #expect(
            try encode(fresh)
                == #"{"executor_id":{"value":"e"},"framework_id":{"value":"f"},"subscribe":{},"type":"SUBSCRIBE"}"#)
    }

    @Test("executor UPDATE decodes the status with its uuid, and needs executor and framework ids")
    func update() throws {
        let json = """
            {"executor_id": {"value": "exec-1"}, "framework_id": {"value": "fw-1"}, "type": "UPDATE",
             "update": {"status": {"task_id": {"value": "t1"}, "state": "TASK_FAILED", "source": "SOURCE_EXECUTOR",
                                   "reason": "REASON_COMMAND_EXECUTOR_FAILED", "message": "exit 1",
                                   "timestamp": 1700000000.25, "uuid": "\(sampleUUIDBase64)",
                                   "executor_id": {"value": "exec-1"}, "healthy": false}}}
            """
        let call = try decode(Mesos.ExecutorCall.self, json)
        let status = try #require(call.update?.status)
        #expect(status.state == .failed)
        #expect(status.state.isTerminal)
        #expect(status.reason == .commandExecutorFailed)
        #expect(status.message == "exit 1")
        #expect(status.timestamp == 1_700_000_000.25)
        #expect(status.uuid == sampleUUID)
        #expect(status.healthy == false)
        #expect(call == .update(executorID: "exec-1", frameworkID: "fw-1", status: status))

        let missing = decodingError(
            Mesos.ExecutorCall.self, #"{"framework_id": {"value": "fw-1"}, "type": "HEARTBEAT"}"#)
        #expect(missing?.protocolDescription == "executor_id: required field is missing")
    }

    @Test("executor events encode as executor.proto nests them")
    func events() throws {
        #expect(try encode(Mesos.ExecutorEvent.heartbeat) == #"{"type":"HEARTBEAT"}"#)
        #expect(try encode(Mesos.ExecutorEvent.shutdown) == #"{"type":"SHUTDOWN"}"#)
        #expect(try encode(Mesos.ExecutorEvent.error("bad")) == #"{"error":{"message":"bad"},"type":"ERROR"}"#)
        #expect(
            try encode(Mesos.ExecutorEvent.acknowledged(taskID: "t1", uuid: sampleUUID))
                == #"{"acknowledged":{"task_id":{"value":"t1"},"uuid":"\#(sampleUUIDBase64)"},"type":"ACKNOWLEDGED"}"#)
        #expect(
            try encode(
                Mesos.ExecutorEvent.kill(
                    "t1", killPolicy: Mesos.KillPolicy(gracePeriod: Mesos.DurationInfo(nanoseconds: 2_000_000_000))))
                == #"{"kill":{"kill_policy":{"grace_period":{"nanoseconds":2000000000}},"task_id":{"value":"t1"}},"type":"KILL"}"#
        )
        #expect(
            try encode(Mesos.ExecutorEvent.message(Mesos.Bytes(utf8: "hi")))
                == #"{"message":{"data":"aGk="},"type":"MESSAGE"}"#)
        let task = Mesos.TaskInfo(name: "t1", taskID: "t1", agentID: "agent-1")
        #expect(
            try encode(Mesos.ExecutorEvent.launch(task))
                == #"{"launch":{"task":{"agent_id":{"value":"agent-1"},"name":"t1","task_id":{"value":"t1"}}},"type":"LAUNCH"}"#
        )
        #expect(
            try encode(Mesos.ExecutorEvent.launchGroup(Mesos.TaskGroupInfo(tasks: [task])))
                == #"{"launch_group":{"task_group":{"tasks":[{"agent_id":{"value":"agent-1"},"name":"t1","task_id":{"value":"t1"}}]}},"type":"LAUNCH_GROUP"}"#
        )
    }

    @Test("SUBSCRIBED carries executor, framework and agent info; executors check the ids in it")
    func subscribed() throws {
        let event = Mesos.ExecutorEvent.subscribed(
            executorInfo: Mesos.ExecutorInfo(
                type: .custom, executorID: "exec-1", frameworkID: "fw-1",
                command: Mesos.CommandInfo(value: "./executor"), shutdownGracePeriod: Mesos.DurationInfo(nanoseconds: 5)
            ),
            frameworkInfo: Mesos.FrameworkInfo(user: "root", name: "fw", id: "fw-1"),
            agentInfo: Mesos.AgentInfo(
                hostname: "h1", port: 5051,
                resources: [Mesos.Resource(name: "cpus", type: .scalar, scalar: Mesos.Value.Scalar(value: 2))],
                attributes: [Mesos.Attribute(name: "rack", type: .text, text: Mesos.Value.Text(value: "r1"))],
                id: "agent-1"),
            containerID: Mesos.ContainerID(value: "child", parent: "parent"))
        let json = try encode(event)
        #expect(
            json.contains(#""executor_info":{"command":{"value":".\/executor"}"#)
                || json.contains(#""executor_info":{"command":{"value":"./executor"}"#))
        #expect(json.contains(#""framework_info":{"id":{"value":"fw-1"},"name":"fw","user":"root"}"#))
        #expect(json.contains(#""container_id":{"parent":{"value":"parent"},"value":"child"}"#))
        #expect(json.contains(#""attributes":[{"name":"rack","text":{"value":"r1"},"type":"TEXT"}]"#))
        let decoded = try roundTrip(event)
        #expect(decoded == event)
        #expect(decoded.subscribed?.executorInfo.executorID == "exec-1")
        #expect(decoded.subscribed?.frameworkInfo.id == "fw-1")
        #expect(decoded.subscribed?.containerID?.parent == "parent")
        #expect(decoded.subscribed?.containerID?.description == "parent.child")
        #expect(decoded.subscribed?.agentInfo.effectivePort == 5051)
    }
}
