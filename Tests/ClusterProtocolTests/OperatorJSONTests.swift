import ClusterProtocol
import Testing

@Suite("operator API JSON")
struct OperatorJSONTests {
    private let frameworkInfo = Mesos.FrameworkInfo(
        user: "root", name: "fw", id: "fw-1", roles: ["web"], capabilities: [.init(type: .multiRole)])
    private let agentInfo = Mesos.AgentInfo(hostname: "h1", port: 5051, id: "agent-1")
    private let cpus = Mesos.Resource(
        name: "cpus", type: .scalar, scalar: Mesos.Value.Scalar(value: 1), role: "*",
        allocationInfo: .init(role: "web"))

    private var task: Mesos.Task {
        Mesos.Task(
            name: "web-1", taskID: "web-1", frameworkID: "fw-1", executorID: "web-1", agentID: "agent-1",
            state: .running, resources: [cpus],
            statuses: [Mesos.TaskStatus(taskID: "web-1", state: .running, timestamp: 1_700_000_000)],
            statusUpdateState: .running, statusUpdateUuid: sampleUUID, user: "root")
    }

    @Test("calls with no payload decode from their type alone")
    func calls() throws {
        for (name, kind) in [
            ("GET_HEALTH", Mesos.OperatorCall.Kind.getHealth), ("GET_VERSION", .getVersion),
            ("GET_MASTER", .getMaster), ("GET_STATE", .getState), ("GET_AGENTS", .getAgents),
            ("GET_FRAMEWORKS", .getFrameworks), ("GET_TASKS", .getTasks), ("GET_ROLES", .getRoles),
            ("SUBSCRIBE", .subscribe), ("MARK_AGENT_GONE", .markAgentGone),
        ] {
            #expect(try decode(Mesos.OperatorCall.self, #"{"type": "\#(name)"}"#) == Mesos.OperatorCall(type: kind))
        }
        #expect(
            try decode(Mesos.OperatorCall.self, #"{"type": "TEARDOWN", "teardown": {"framework_id": {"value": "f"}}}"#)
                == .teardown("f"))
        #expect(Mesos.OperatorCall.Kind.allCases.count == 40)
    }

    @Test("responses nest their payload under the lower-cased type")
    func responses() throws {
        #expect(
            try encode(Mesos.OperatorResponse.getHealth(healthy: true))
                == #"{"get_health":{"healthy":true},"type":"GET_HEALTH"}"#)
        #expect(
            try encode(Mesos.OperatorResponse.getVersion(Mesos.VersionInfo(version: "1.11.0", gitSha: "abc")))
                == #"{"get_version":{"version_info":{"git_sha":"abc","version":"1.11.0"}},"type":"GET_VERSION"}"#)
        #expect(
            try encode(Mesos.OperatorResponse.getMaster(.init(masterInfo: nil, startTime: 1.5, electedTime: 2.5)))
                == #"{"get_master":{"elected_time":2.5,"start_time":1.5},"type":"GET_MASTER"}"#)
        #expect(
            try encode(Mesos.OperatorResponse.getRoles([Mesos.Role(name: "web", weight: 2, frameworks: ["fw-1"])]))
                == #"{"get_roles":{"roles":[{"frameworks":[{"value":"fw-1"}],"name":"web","weight":2}]},"type":"GET_ROLES"}"#
        )
        #expect(
            try encode(
                Mesos.OperatorResponse.getExecutors(
                    .init(executors: [.init(executorInfo: Mesos.ExecutorInfo(executorID: "e"), agentID: "a")])))
                == #"{"get_executors":{"executors":[{"agent_id":{"value":"a"},"executor_info":{"executor_id":{"value":"e"}}}]},"type":"GET_EXECUTORS"}"#
        )
        #expect(
            try encode(
                Mesos.OperatorResponse.getTasks(
                    .init(tasks: [Mesos.Task(name: "t", taskID: "t", frameworkID: "f", agentID: "a", state: .staging)]))
            )
                == #"{"get_tasks":{"tasks":[{"agent_id":{"value":"a"},"framework_id":{"value":"f"},"name":"t","state":"TASK_STAGING","task_id":{"value":"t"}}]},"type":"GET_TASKS"}"#
        )
    }

    @Test("GET_STATE round-trips agents, frameworks, tasks and executors")
    func getState() throws {
        let agent = Mesos.OperatorResponse.GetAgents.Agent(
            agentInfo: agentInfo, active: true, version: "1.11.0", pid: "slave(1)@127.0.0.1:5051",
            registeredTime: Mesos.TimeInfo(nanoseconds: 1_700_000_000_000_000_000), totalResources: [cpus],
            allocatedResources: [cpus])
        let framework = Mesos.OperatorResponse.GetFrameworks.Framework(
            frameworkInfo: frameworkInfo, active: true, connected: true, recovered: false,
            registeredTime: Mesos.TimeInfo(nanoseconds: 5), allocatedResources: [cpus])
        let state = Mesos.OperatorResponse.GetState(
            getTasks: .init(tasks: [task], completedTasks: [task]),
            getExecutors: .init(executors: [
                .init(executorInfo: Mesos.ExecutorInfo(executorID: "web-1"), agentID: "agent-1")
            ]),
            getFrameworks: .init(frameworks: [framework]),
            getAgents: .init(agents: [agent], recoveredAgents: [agentInfo]))
        let response = Mesos.OperatorResponse.getState(state)
        #expect(try roundTrip(response) == response)
        let json = try encode(response)
        #expect(
            json.hasPrefix(
                #"{"get_state":{"get_agents":{"agents":[{"active":true,"agent_info":{"hostname":"h1","id":{"value":"agent-1"},"port":5051},"allocated_resources":[{"allocation_info":{"role":"web"},"name":"cpus","role":"*","scalar":{"value":1},"type":"SCALAR"}]"#
            ))
        #expect(json.contains(#""registered_time":{"nanoseconds":1700000000000000000}"#))
        #expect(json.contains(#""status_update_uuid":"\#(sampleUUIDBase64)""#))
        #expect(json.contains(#""status_update_state":"TASK_RUNNING""#))
        #expect(json.hasSuffix(#""type":"GET_STATE"}"#))
    }

    @Test("operator events encode as master.proto nests them")
    func events() throws {
        #expect(try encode(Mesos.OperatorEvent.heartbeat) == #"{"type":"HEARTBEAT"}"#)
        #expect(
            try encode(Mesos.OperatorEvent.subscribed(getState: .init(), heartbeatIntervalSeconds: 15))
                == #"{"subscribed":{"get_state":{},"heartbeat_interval_seconds":15},"type":"SUBSCRIBED"}"#)
        #expect(
            try encode(Mesos.OperatorEvent.agentRemoved("agent-1"))
                == #"{"agent_removed":{"agent_id":{"value":"agent-1"}},"type":"AGENT_REMOVED"}"#)
        #expect(
            try encode(
                Mesos.OperatorEvent.taskUpdated(
                    frameworkID: "fw-1", status: Mesos.TaskStatus(taskID: "t", state: .finished), state: .finished))
                == #"{"task_updated":{"framework_id":{"value":"fw-1"},"state":"TASK_FINISHED","status":{"state":"TASK_FINISHED","task_id":{"value":"t"}}},"type":"TASK_UPDATED"}"#
        )
        #expect(
            try encode(Mesos.OperatorEvent.frameworkRemoved(Mesos.FrameworkInfo(user: "u", name: "n")))
                == #"{"framework_removed":{"framework_info":{"name":"n","user":"u"}},"type":"FRAMEWORK_REMOVED"}"#)
        let framework = Mesos.OperatorResponse.GetFrameworks.Framework(
            frameworkInfo: frameworkInfo, active: true, connected: true, recovered: false)
        for event in [
            Mesos.OperatorEvent.taskAdded(task), .frameworkAdded(framework), .frameworkUpdated(framework),
            .agentAdded(.init(agentInfo: agentInfo, active: true, version: "1.11.0")),
        ] {
            #expect(try roundTrip(event) == event)
        }
        #expect(try encode(Mesos.OperatorEvent.taskAdded(task)).hasPrefix(#"{"task_added":{"task":{"agent_id""#))
    }
}
