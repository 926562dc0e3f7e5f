import ClusterProtocol
import Testing

@Suite("agent protocol: calls in one request")
struct AgentCallBatchTests {
    static let message =
        #"{"type": "MESSAGE", "agent_id": {"value": "S0"}, "message": {"framework_id": {"value": "F"}, "executor_id": {"value": "e"}, "data": "aGk="}}"#

    @Test("an object is one call, an array several in order; one call is written as an object, more as an array")
    func shapes() throws {
        let one = try decode(AgentCallBatch.self, Self.message)
        #expect(one.calls.map(\.type) == [.message])
        let two = try decode(AgentCallBatch.self, "[\(Self.message), {\"type\": \"EXECUTOR_EXITED\"}]")
        #expect(two.calls.map(\.type) == [.message, .executorExited])
        #expect(try encode(one).hasPrefix("{"))
        #expect(try encode(two).hasPrefix("["))
        #expect(try roundTrip(two) == two)
    }

    @Test("a bad call is reported where it is: a field by its name, an array element by its index")
    func errors() {
        #expect(
            decodingError(AgentCallBatch.self, #"{"type": "UPDATES"}"#)?.protocolDescription.contains("UPDATES")
                == true)
        let inArray = decodingError(AgentCallBatch.self, "[\(Self.message), {\"type\": 7}]")
        #expect(inArray?.protocolDescription.hasPrefix("[1].type") == true, "\(String(describing: inArray))")
        #expect(decodingError(AgentCallBatch.self, "\"UPDATE\"") != nil)
    }
}
