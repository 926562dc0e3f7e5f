import ClusterCore
import ClusterProtocol
import Testing

@Suite("proto JSON mapping")
struct CodingTests {
    @Test("an unknown enum name fails decoding, naming the value and where it was")
    func unknownEnum() throws {
        let call = decodingError(Mesos.SchedulerCall.self, #"{"type": "SUBSCRIBE_ALL"}"#)
        #expect(call?.protocolDescription == #"type: unknown Mesos.SchedulerCall.Kind value "SUBSCRIBE_ALL""#)
        #expect("\(try #require(call))".contains("SUBSCRIBE_ALL"))

        let state = decodingError(
            Mesos.ExecutorCall.self,
            #"""
            {"executor_id": {"value": "e"}, "framework_id": {"value": "f"}, "type": "UPDATE",
             "update": {"status": {"task_id": {"value": "t"}, "state": "TASK_SLEEPING"}}}
            """#)
        #expect(state?.protocolDescription == #"update.status.state: unknown Mesos.TaskState value "TASK_SLEEPING""#)

        let operation = decodingError(
            Mesos.SchedulerCall.self,
            #"{"type": "ACCEPT", "accept": {"operations": [{"type": "LAUNCH"}, {"type": "LAUNCH_ALL"}]}}"#)
        #expect(
            operation?.protocolDescription
                == #"accept.operations[1].type: unknown Mesos.Offer.Operation.Kind value "LAUNCH_ALL""#)

        let capability = decodingError(
            Mesos.FrameworkInfo.self, #"{"user": "u", "name": "n", "capabilities": [{"type": "TELEPATHY"}]}"#)
        #expect(
            capability?.protocolDescription
                == #"capabilities[0].type: unknown Mesos.FrameworkInfo.Capability.Kind value "TELEPATHY""#)
        // Enum names are case-sensitive, as in protobuf.
        #expect(decodingError(Mesos.TaskStatus.self, #"{"task_id": {"value": "t"}, "state": "task_running"}"#) != nil)
    }

    @Test("a missing required field or a wrong type fails with its path")
    func missingRequired() {
        let error = decodingError(
            Mesos.SchedulerCall.self, #"{"type": "SUBSCRIBE", "subscribe": {"framework_info": {"name": "n"}}}"#)
        #expect(error?.protocolDescription == "subscribe.framework_info.user: required field is missing")
        let typed = decodingError(Mesos.Filters.self, #"{"refuse_seconds": "soon"}"#)
        #expect(typed?.protocolDescription.hasPrefix("refuse_seconds: expected Double") == true)
        #expect(
            decodingError(Mesos.SchedulerCall.self, #"{"subscribe": {}}"#)?.protocolDescription
                == "type: required field is missing")
    }

    @Test("missing repeated fields decode empty, and empty ones are left out")
    func repeatedFields() throws {
        let offer = try decode(
            Mesos.Offer.self,
            #"{"id": {"value": "o"}, "framework_id": {"value": "f"}, "agent_id": {"value": "a"}, "hostname": "h"}"#)
        #expect(offer.resources == [])
        #expect(offer.attributes == [])
        #expect(offer.executorIDs == [])
        #expect(
            try encode(offer)
                == #"{"agent_id":{"value":"a"},"framework_id":{"value":"f"},"hostname":"h","id":{"value":"o"}}"#)
        let explicit = try decode(
            Mesos.Offer.self,
            #"{"id": {"value": "o"}, "framework_id": {"value": "f"}, "agent_id": {"value": "a"}, "hostname": "h", "resources": [], "executor_ids": null}"#
        )
        #expect(explicit == offer)
        let info = try decode(Mesos.FrameworkInfo.self, #"{"user": "u", "name": "n"}"#)
        #expect(info.roles == [] && info.capabilities == [])
        #expect(try decode(Mesos.Value.Ranges.self, "{}").range == [])
        #expect(try encode(Mesos.SchedulerEvent.offers([])) == #"{"offers":{},"type":"OFFERS"}"#)
    }

    @Test("fields this model leaves out are ignored when decoding")
    func unknownFields() throws {
        let status = try decode(
            Mesos.TaskStatus.self,
            #"""
            {"task_id": {"value": "t"}, "state": "TASK_RUNNING",
             "container_status": {"network_infos": [{"ip_addresses": [{"ip_address": "10.0.0.1"}]}]},
             "check_status": {"type": "COMMAND"}, "some_future_field": 1}
            """#)
        #expect(status == Mesos.TaskStatus(taskID: "t", state: .running))
    }

    @Test("proto defaults are exposed where they matter")
    func defaults() throws {
        #expect(Mesos.CommandInfo().isShell)
        #expect(!Mesos.CommandInfo(shell: false).isShell)
        #expect(try decode(Mesos.MasterInfo.self, #"{"id": "m", "ip": 0, "port": 5050}"#).port == 5050)
        #expect(Mesos.MasterInfo(id: "m", ip: 0).port == 5050)
        #expect(Mesos.AgentInfo(hostname: "h").effectivePort == 5051)
        #expect(Mesos.FrameworkInfo(user: "u", name: "n").effectiveFailoverTimeout == 0)
    }

    @Test("MasterInfo's ip is the IPv4 address packed as Mesos writes it")
    func packedIP() {
        #expect(Mesos.MasterInfo.packedIP("127.0.0.1") == 16_777_343)
        #expect(Mesos.MasterInfo.packedIP("10.0.0.1") == 16_777_226)
        #expect(Mesos.MasterInfo.packedIP("255.255.255.255") == UInt32.max)
        for bad in ["", "1.2.3", "1.2.3.4.5", "256.0.0.1", "1..2.3", "a.b.c.d", "-1.0.0.1", "1.2.3.04x", "::1"] {
            #expect(Mesos.MasterInfo.packedIP(bad) == nil, "\(bad)")
        }
    }

    @Test("ids are {\"value\": …}, ordered by value, and convert to and from the core's")
    func identifiers() throws {
        #expect(try encode(Mesos.FrameworkID("fw-1")) == #"{"value":"fw-1"}"#)
        #expect(try decode(Mesos.TaskID.self, #"{"value": "t"}"#) == "t")
        #expect(Mesos.AgentID("a") < Mesos.AgentID("b"))
        #expect([Mesos.OfferID("o2"), "o1"].sorted() == ["o1", "o2"])
        #expect(Mesos.ExecutorID("e").description == "e")
        #expect(Mesos.AgentID(ClusterCore.AgentID("agent-1")) == Mesos.AgentID("agent-1"))
        #expect(ClusterCore.AgentID(Mesos.AgentID("agent-1")) == ClusterCore.AgentID("agent-1"))
        #expect(Mesos.FrameworkID(ClusterCore.FrameworkID("fw")) == Mesos.FrameworkID("fw"))
        #expect(ClusterCore.FrameworkID(Mesos.FrameworkID("fw")) == ClusterCore.FrameworkID("fw"))
        let nested = Mesos.ContainerID(value: "c", parent: Mesos.ContainerID(value: "b", parent: "a"))
        #expect(try encode(nested) == #"{"parent":{"parent":{"value":"a"},"value":"b"},"value":"c"}"#)
        #expect(try roundTrip(nested) == nested)
        #expect(nested.description == "a.b.c")
        #expect(Mesos.ContainerID("a") < nested)
    }

    @Test("every reason and state of v1 mesos.proto is here, by its proto name")
    func enumsComplete() {
        #expect(Mesos.TaskStatus.Reason.allCases.count == 35)
        #expect(Mesos.TaskStatus.Reason.allCases.allSatisfy { $0.rawValue.hasPrefix("REASON_") })
        #expect(Mesos.TaskStatus.Reason.containerLimitationMemory.rawValue == "REASON_CONTAINER_LIMITATION_MEMORY")
        #expect(Mesos.TaskStatus.Reason.invalidFrameworkID.rawValue == "REASON_INVALID_FRAMEWORKID")
        #expect(Mesos.TaskState.allCases.count == 14)
        #expect(Mesos.TaskState.goneByOperator.rawValue == "TASK_GONE_BY_OPERATOR")
        #expect(Mesos.TaskState.allCases.filter(\.isTerminal).count == 8)
        #expect(Mesos.SchedulerCall.Kind.allCases.count == 18)
        #expect(Mesos.SchedulerEvent.Kind.allCases.count == 12)
        #expect(Mesos.ExecutorCall.Kind.allCases.count == 5)
        #expect(Mesos.ExecutorEvent.Kind.allCases.count == 10)
        #expect(Mesos.OperatorResponse.Kind.allCases.count == 20)
        #expect(Mesos.OperatorEvent.Kind.allCases.count == 10)
        #expect(Mesos.Offer.Operation.Kind.allCases.count == 11)
        #expect(Mesos.TaskStatus.Source.agent.rawValue == "SOURCE_AGENT")
    }
}
