import ClusterProtocol
import Testing

@Suite("scheduler API JSON")
struct SchedulerJSONTests {
    @Test("SUBSCRIBE decodes, its framework info with roles, capabilities and a failover timeout")
    func subscribe() throws {
        let json = """
            {
              "type": "SUBSCRIBE",
              "subscribe": {
                "framework_info": {
                  "user": "root",
                  "name": "my framework",
                  "failover_timeout": 604800.0,
                  "checkpoint": true,
                  "roles": ["web", "batch"],
                  "hostname": "h1.example.org",
                  "webui_url": "http://h1.example.org:8080",
                  "capabilities": [{"type": "MULTI_ROLE"}, {"type": "PARTITION_AWARE"}, {"type": "TASK_KILLING_STATE"}],
                  "labels": {"labels": [{"key": "team", "value": "infra"}, {"key": "flag"}]}
                },
                "suppressed_roles": ["batch"]
              }
            }
            """
        let call = try decode(Mesos.SchedulerCall.self, json)
        #expect(call.type == .subscribe)
        #expect(call.frameworkID == nil)
        let subscribe = try #require(call.subscribe)
        let info = subscribe.frameworkInfo
        #expect(info.user == "root")
        #expect(info.name == "my framework")
        #expect(info.id == nil)
        #expect(info.failoverTimeout == 604800)
        #expect(info.checkpoint == true)
        #expect(info.roles == ["web", "batch"])
        #expect(info.effectiveRoles == ["web", "batch"])
        #expect(info.webuiUrl == "http://h1.example.org:8080")
        #expect(info.capabilities.map(\.type) == [.multiRole, .partitionAware, .taskKillingState])
        #expect(info.labels?.labels == [Mesos.Label(key: "team", value: "infra"), Mesos.Label(key: "flag")])
        #expect(subscribe.suppressedRoles == ["batch"])
        #expect(try roundTrip(call) == call)

        // A framework without MULTI_ROLE has its single role, "*" by default.
        var single = info
        single.capabilities = []
        #expect(single.effectiveRoles == ["*"])
        single.role = "web"
        #expect(single.effectiveRoles == ["web"])
    }

    @Test("ACCEPT with LAUNCH and LAUNCH_GROUP decodes tasks, executor, command, container and filters")
    func acceptLaunch() throws {
        let json = """
            {
              "framework_id": {"value": "fw-1"},
              "type": "ACCEPT",
              "accept": {
                "offer_ids": [{"value": "offer-1"}, {"value": "offer-2"}],
                "operations": [
                  {
                    "type": "LAUNCH",
                    "launch": {
                      "task_infos": [
                        {
                          "name": "web-1",
                          "task_id": {"value": "web-1"},
                          "agent_id": {"value": "agent-1"},
                          "resources": [
                            {"name": "cpus", "type": "SCALAR", "scalar": {"value": 0.5}, "role": "*"},
                            {"name": "mem", "type": "SCALAR", "scalar": {"value": 128}},
                            {"name": "ports", "type": "RANGES", "ranges": {"range": [{"begin": 31000, "end": 31001}]}}
                          ],
                          "command": {
                            "value": "python3 -m http.server $PORT0",
                            "environment": {"variables": [{"name": "PORT0", "value": "31000"}]},
                            "uris": [{"value": "http://example.org/app.tgz", "extract": true, "cache": false}]
                          },
                          "container": {"type": "MESOS", "mesos": {}},
                          "kill_policy": {"grace_period": {"nanoseconds": 3000000000}},
                          "labels": {"labels": [{"key": "app", "value": "web"}]},
                          "data": "aGVsbG8="
                        }
                      ]
                    }
                  },
                  {
                    "type": "LAUNCH_GROUP",
                    "launch_group": {
                      "executor": {
                        "type": "DEFAULT",
                        "executor_id": {"value": "group-exec"},
                        "framework_id": {"value": "fw-1"},
                        "resources": [{"name": "cpus", "type": "SCALAR", "scalar": {"value": 0.1}}],
                        "shutdown_grace_period": {"nanoseconds": 5000000000}
                      },
                      "task_group": {
                        "tasks": [
                          {
                            "name": "a", "task_id": {"value": "a"}, "agent_id": {"value": "agent-1"},
                            "command": {"shell": false, "value": "/bin/sleep", "arguments": ["sleep", "100"]}
                          },
                          {"name": "b", "task_id": {"value": "b"}, "agent_id": {"value": "agent-1"}}
                        ]
                      }
                    }
                  }
                ],
                "filters": {"refuse_seconds": 10.0}
              }
            }
            """
        let call = try decode(Mesos.SchedulerCall.self, json)
        #expect(call.type == .accept)
        #expect(call.frameworkID == "fw-1")
        let accept = try #require(call.accept)
        #expect(accept.offerIDs == ["offer-1", "offer-2"])
        #expect(accept.filters?.refuseSeconds == 10)
        #expect(accept.operations.map(\.type) == [.launch, .launchGroup])

        let task = try #require(accept.operations[0].launch?.taskInfos.first)
        #expect(task.taskID == "web-1")
        #expect(task.agentID == "agent-1")
        #expect(task.resources.map(\.name) == ["cpus", "mem", "ports"])
        #expect(task.resources[0].scalar?.value == 0.5)
        #expect(task.resources[0].role == "*")
        #expect(task.resources[1].role == nil)
        #expect(task.resources[2].ranges?.range == [Mesos.Value.Range(begin: 31000, end: 31001)])
        #expect(task.command?.isShell == true)
        #expect(task.command?.environment?.variables == [Mesos.Environment.Variable(name: "PORT0", value: "31000")])
        #expect(task.command?.uris.first?.extract == true)
        #expect(task.container?.type == .mesos)
        #expect(task.killPolicy?.gracePeriod?.nanoseconds == 3_000_000_000)
        #expect(task.data == Mesos.Bytes(utf8: "hello"))

        let group = try #require(accept.operations[1].launchGroup)
        #expect(group.executor.type == .default)
        #expect(group.executor.frameworkID == "fw-1")
        #expect(group.executor.shutdownGracePeriod?.nanoseconds == 5_000_000_000)
        #expect(group.taskGroup.tasks.map(\.taskID) == ["a", "b"])
        #expect(group.taskGroup.tasks[0].command?.isShell == false)
        #expect(group.taskGroup.tasks[0].command?.arguments == ["sleep", "100"])
        #expect(group.taskGroup.tasks[1].resources == [])
        #expect(try roundTrip(call) == call)
    }

    @Test("DECLINE with filters, and without")
    func decline() throws {
        let call = try decode(
            Mesos.SchedulerCall.self,
            #"""
            {"framework_id": {"value": "fw-1"}, "type": "DECLINE",
             "decline": {"offer_ids": [{"value": "offer-3"}], "filters": {"refuse_seconds": 3600.0}}}
            """#)
        #expect(call == .decline("fw-1", offerIDs: ["offer-3"], filters: Mesos.Filters(refuseSeconds: 3600)))
        #expect(call.decline?.filters?.effectiveRefuseSeconds == 3600)
        let bare = try decode(
            Mesos.SchedulerCall.self,
            #"{"framework_id": {"value": "fw-1"}, "type": "DECLINE", "decline": {"offer_ids": [{"value": "o"}]}}"#)
        #expect(bare.decline?.filters == nil)
        #expect(Mesos.Filters().effectiveRefuseSeconds == 5)
    }

    @Test("ACKNOWLEDGE carries the update's uuid as base64")
    func acknowledge() throws {
        let json = """
            {"framework_id": {"value": "fw-1"}, "type": "ACKNOWLEDGE",
             "acknowledge": {"agent_id": {"value": "agent-1"}, "task_id": {"value": "web-1"},
                             "uuid": "\(sampleUUIDBase64)"}}
            """
        let call = try decode(Mesos.SchedulerCall.self, json)
        #expect(call == .acknowledge("fw-1", agentID: "agent-1", taskID: "web-1", uuid: sampleUUID))
        #expect(call.acknowledge?.uuid.count == 16)
        #expect(
            try encode(call)
                == #"{"acknowledge":{"agent_id":{"value":"agent-1"},"task_id":{"value":"web-1"},"uuid":"\#(sampleUUIDBase64)"},"framework_id":{"value":"fw-1"},"type":"ACKNOWLEDGE"}"#
        )
    }

    @Test("RECONCILE names tasks, or none for all of them")
    func reconcile() throws {
        let call = try decode(
            Mesos.SchedulerCall.self,
            #"""
            {"framework_id": {"value": "fw-1"}, "type": "RECONCILE",
             "reconcile": {"tasks": [{"task_id": {"value": "t1"}, "agent_id": {"value": "a1"}},
                                     {"task_id": {"value": "t2"}}]}}
            """#)
        #expect(
            call.reconcile?.tasks == [
                Mesos.SchedulerCall.Reconcile.Task(taskID: "t1", agentID: "a1"),
                Mesos.SchedulerCall.Reconcile.Task(taskID: "t2"),
            ])
        let all = try decode(
            Mesos.SchedulerCall.self, #"{"framework_id": {"value": "fw-1"}, "type": "RECONCILE", "reconcile": {}}"#)
        #expect(all == .reconcile("fw-1"))
        #expect(all.reconcile?.tasks == [])
    }

    @Test("the other calls decode: TEARDOWN, REVIVE, SUPPRESS, KILL, SHUTDOWN, MESSAGE, REQUEST")
    func otherCalls() throws {
        let fw = #""framework_id": {"value": "fw-1"}"#
        #expect(try decode(Mesos.SchedulerCall.self, #"{\#(fw), "type": "TEARDOWN"}"#) == .teardown("fw-1"))
        #expect(
            try decode(Mesos.SchedulerCall.self, #"{\#(fw), "type": "REVIVE", "revive": {"roles": ["web"]}}"#)
                == .revive("fw-1", roles: ["web"]))
        #expect(
            try decode(Mesos.SchedulerCall.self, #"{\#(fw), "type": "SUPPRESS"}"#)
                == Mesos.SchedulerCall(frameworkID: "fw-1", type: .suppress))
        #expect(
            try decode(
                Mesos.SchedulerCall.self,
                #"{\#(fw), "type": "KILL", "kill": {"task_id": {"value": "t"}, "kill_policy": {"grace_period": {"nanoseconds": 1}}}}"#
            )
                == .kill(
                    "fw-1", taskID: "t", killPolicy: Mesos.KillPolicy(gracePeriod: Mesos.DurationInfo(nanoseconds: 1))))
        #expect(
            try decode(
                Mesos.SchedulerCall.self,
                #"{\#(fw), "type": "SHUTDOWN", "shutdown": {"executor_id": {"value": "e"}, "agent_id": {"value": "a"}}}"#
            )
                == .shutdown("fw-1", executorID: "e", agentID: "a"))
        #expect(
            try decode(
                Mesos.SchedulerCall.self,
                #"{\#(fw), "type": "MESSAGE", "message": {"agent_id": {"value": "a"}, "executor_id": {"value": "e"}, "data": "aGk="}}"#
            ) == .message("fw-1", agentID: "a", executorID: "e", data: Mesos.Bytes(utf8: "hi")))
        let request = try decode(
            Mesos.SchedulerCall.self,
            #"{\#(fw), "type": "REQUEST", "request": {"requests": [{"agent_id": {"value": "a"}, "resources": []}]}}"#)
        #expect(request.request?.requests == [Mesos.Request(agentID: "a")])
    }

    @Test("events encode with the payload under the lower-cased type, nested as in scheduler.proto")
    func eventShapes() throws {
        #expect(try encode(Mesos.SchedulerEvent.heartbeat) == #"{"type":"HEARTBEAT"}"#)
        #expect(
            try encode(Mesos.SchedulerEvent.error("framework removed"))
                == #"{"error":{"message":"framework removed"},"type":"ERROR"}"#)
        #expect(
            try encode(Mesos.SchedulerEvent.subscribed(frameworkID: "fw-1", heartbeatIntervalSeconds: 15))
                == #"{"subscribed":{"framework_id":{"value":"fw-1"},"heartbeat_interval_seconds":15},"type":"SUBSCRIBED"}"#
        )
        let offer = Mesos.Offer(
            id: "offer-1", frameworkID: "fw-1", agentID: "agent-1", hostname: "h1",
            resources: [Mesos.Resource(name: "cpus", type: .scalar, scalar: Mesos.Value.Scalar(value: 4), role: "*")])
        #expect(
            try encode(Mesos.SchedulerEvent.offers([offer]))
                == #"{"offers":{"offers":[{"agent_id":{"value":"agent-1"},"framework_id":{"value":"fw-1"},"hostname":"h1","id":{"value":"offer-1"},"resources":[{"name":"cpus","role":"*","scalar":{"value":4},"type":"SCALAR"}]}]},"type":"OFFERS"}"#
        )
        #expect(
            try encode(Mesos.SchedulerEvent.rescind("offer-1"))
                == #"{"rescind":{"offer_id":{"value":"offer-1"}},"type":"RESCIND"}"#)
        let update = Mesos.SchedulerEvent.update(
            Mesos.TaskStatus(
                taskID: "web-1", state: .running, source: .executor, agentID: "agent-1", executorID: "web-1",
                timestamp: 1_700_000_000.5, uuid: sampleUUID))
        #expect(
            try encode(update)
                == #"{"type":"UPDATE","update":{"status":{"agent_id":{"value":"agent-1"},"executor_id":{"value":"web-1"},"source":"SOURCE_EXECUTOR","state":"TASK_RUNNING","task_id":{"value":"web-1"},"timestamp":1700000000.5,"uuid":"\#(sampleUUIDBase64)"}}}"#
        )
        // A reconciliation answer carries no uuid, so nothing is acknowledged.
        let reconciled = Mesos.SchedulerEvent.update(
            Mesos.TaskStatus(taskID: "web-1", state: .lost, source: .master, reason: .reconciliation))
        #expect(
            try encode(reconciled)
                == #"{"type":"UPDATE","update":{"status":{"reason":"REASON_RECONCILIATION","source":"SOURCE_MASTER","state":"TASK_LOST","task_id":{"value":"web-1"}}}}"#
        )
        #expect(
            try encode(Mesos.SchedulerEvent.failure(agentID: "agent-1", executorID: "e", status: 137))
                == #"{"failure":{"agent_id":{"value":"agent-1"},"executor_id":{"value":"e"},"status":137},"type":"FAILURE"}"#
        )
        #expect(
            try encode(Mesos.SchedulerEvent.message(agentID: "a", executorID: "e", data: Mesos.Bytes(utf8: "hi")))
                == #"{"message":{"agent_id":{"value":"a"},"data":"aGk=","executor_id":{"value":"e"}},"type":"MESSAGE"}"#
        )
    }

    @Test("SUBSCRIBED with master info round-trips; its JSON is what Mesos writes")
    func subscribedRoundTrip() throws {
        let master = Mesos.MasterInfo(
            id: "master-1", ip: 16_777_343, pid: "master@127.0.0.1:5050", hostname: "localhost", version: "1.11.0",
            address: Mesos.Address(hostname: "localhost", ip: "127.0.0.1", port: 5050),
            capabilities: [Mesos.MasterInfo.Capability(type: .agentUpdate)])
        #expect(master.port == 5050)
        let event = Mesos.SchedulerEvent.subscribed(
            frameworkID: "fw-1", heartbeatIntervalSeconds: 15, masterInfo: master)
        #expect(try roundTrip(event) == event)
        #expect(
            try encode(master)
                == #"{"address":{"hostname":"localhost","ip":"127.0.0.1","port":5050},"capabilities":[{"type":"AGENT_UPDATE"}],"hostname":"localhost","id":"master-1","ip":16777343,"pid":"master@127.0.0.1:5050","port":5050,"version":"1.11.0"}"#
        )
        let decoded = try decode(
            Mesos.SchedulerEvent.self,
            #"""
            {"type":"SUBSCRIBED","subscribed":{"framework_id":{"value":"12220-3440-12532-2345"},
             "heartbeat_interval_seconds":15.0}}
            """#)
        #expect(decoded.subscribed?.frameworkID == "12220-3440-12532-2345")
        #expect(decoded.subscribed?.heartbeatIntervalSeconds == 15)
    }
}
