import ClusterEdge
import ClusterProtocol
import Foundation
import Testing

/// The stream encoder against Foundation's: the same bytes for the records the master and
/// agents send (Foundation escapes `/`, the stream encoder does not), and the same bytes for
/// values that use every container call.
@Suite("JSON stream encoder")
struct JSONStreamEncoderTests {
    static let runTask = #"""
        {"type": "RUN_TASK", "run_task": {
          "framework_info": {"user": "root", "name": "fw \"quoted\" / slash", "id": {"value": "M-0000"},
                             "failover_timeout": 604800, "role": "web", "roles": ["web", "*"],
                             "capabilities": [{"type": "PARTITION_AWARE"}, {"type": "MULTI_ROLE"}],
                             "labels": {"labels": [{"key": "k", "value": "v"}]}},
          "tasks": [{"name": "t", "task_id": {"value": "t1"}, "agent_id": {"value": "S0"},
                   "resources": [{"name": "cpus", "type": "SCALAR", "scalar": {"value": 0.1}, "role": "*",
                                  "allocation_info": {"role": "web"}},
                                 {"name": "mem", "type": "SCALAR", "scalar": {"value": 32}},
                                 {"name": "ports", "type": "RANGES",
                                  "ranges": {"range": [{"begin": 31000, "end": 31001}, {"begin": 31005, "end": 31005}]}},
                                 {"name": "disks", "type": "SET", "set": {"item": ["ssd", "hdd"]}}],
                   "command": {"shell": false, "value": "/bin/echo", "arguments": ["echo", "tab\tnew\nline", "é😀"],
                               "environment": {"variables": [{"name": "A", "value": "1"}]},
                               "uris": [{"value": "http://x/y", "extract": true}]},
                   "kill_policy": {"grace_period": {"nanoseconds": 5000000000}},
                   "data": "aGVsbG8=", "labels": {"labels": [{"key": "a"}]}}]}}
        """#

    static let update = #"""
        {"type": "UPDATE", "update": {"status": {"task_id": {"value": "t1"}, "state": "TASK_FAILED",
          "message": "exit \u0001 status 7 \\ \"x\"", "source": "SOURCE_EXECUTOR", "reason": "REASON_COMMAND_EXECUTOR_FAILED",
          "agent_id": {"value": "S0"}, "executor_id": {"value": "e"}, "timestamp": 1764748800.123,
          "uuid": "bxorPE1eT2CBcoOUpbbH2A==", "healthy": false}}}
        """#

    static let offers = #"""
        {"type": "OFFERS", "offers": {"offers": [
          {"id": {"value": "O1"}, "framework_id": {"value": "F"}, "agent_id": {"value": "S0"}, "hostname": "h",
           "resources": [{"name": "cpus", "type": "SCALAR", "scalar": {"value": 16}, "role": "*"}],
           "attributes": [{"name": "rack", "type": "TEXT", "text": {"value": "a"}},
                          {"name": "zone", "type": "SCALAR", "scalar": {"value": 1.5}}]},
          {"id": {"value": "O2"}, "framework_id": {"value": "F"}, "agent_id": {"value": "S1"}, "hostname": "h2",
           "resources": []}]}}
        """#

    @Test("Mesos records encode to Foundation's bytes")
    func records() throws {
        try expectSame(Foundation.JSONDecoder().decode(AgentEvent.self, from: Data(Self.runTask.utf8)))
        try expectSame(Foundation.JSONDecoder().decode(Mesos.SchedulerEvent.self, from: Data(Self.update.utf8)))
        try expectSame(Foundation.JSONDecoder().decode(Mesos.SchedulerEvent.self, from: Data(Self.offers.utf8)))
        let event = try Foundation.JSONDecoder().decode(Mesos.SchedulerEvent.self, from: Data(Self.update.utf8))
        let call = AgentCall(
            type: .update, agentID: "S0", update: .init(frameworkID: "F", status: try #require(event.update?.status)))
        try expectSame(AgentCallBatch([call, call]))
        try expectSame(AgentCallBatch([call]))
        try expectSame(AgentEvent.ping)
    }

    @Test("scalars, escapes and every container call encode to Foundation's bytes")
    func containers() throws {
        try expectSame(Shapes())
        try expectSameBytes(["a": [1.0, 16, 0.1, -0.0, 1e21, 5e-7, 1764748800.123]])
        try expectSameBytes("\u{0}\u{1f}\"\\\r\t\n é😀/")
        try expectSameBytes([[Int64.min, Int64.max]])
        try expectSameBytes([UInt64.max])
        try expectSameBytes(AgentEvent.ping)
        #expect(throws: EncodingError.self) { try JSONStreamEncoder().encode([Double.nan]) }
        #expect(throws: EncodingError.self) { try JSONStreamEncoder().encode(["x": Double.infinity]) }
        do {
            _ = try JSONStreamEncoder().encode(["x": [["y": 1.0], ["y": -Double.infinity]]])
            Issue.record("an infinite double encoded")
        } catch EncodingError.invalidValue(_, let context) {
            #expect(context.codingPath.map(\.stringValue) == ["x", "1", "y"])
        }
    }

    /// The same document: Foundation writes an object's keys in hash order, so the texts are
    /// compared parsed (arrays keep their order); `expectSameBytes` checks the spelling of
    /// numbers and strings.
    func expectSame<T: Encodable>(_ value: T, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let foundation = try Foundation.JSONEncoder().encode(value)
        let stream = Data(try JSONStreamEncoder().encode(value))
        let parsed = (
            try JSONSerialization.jsonObject(with: foundation, options: .fragmentsAllowed) as? NSObject,
            try JSONSerialization.jsonObject(with: stream, options: .fragmentsAllowed) as? NSObject
        )
        #expect(parsed.0 != nil && parsed.0 == parsed.1, sourceLocation: sourceLocation)
    }

    /// The same bytes, for values with at most one key per object.
    func expectSameBytes<T: Encodable>(_ value: T, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let foundation = String(decoding: try Foundation.JSONEncoder().encode(value), as: UTF8.self)
        let stream = String(decoding: try JSONStreamEncoder().encode(value), as: UTF8.self)
        #expect(stream == foundation.replacingOccurrences(of: "\\/", with: "/"), sourceLocation: sourceLocation)
    }
}

/// A value that opens nested containers of both kinds, asks twice for its keyed container,
/// encodes through super encoders and leaves optionals out.
struct Shapes: Encodable {
    enum Keys: String, CodingKey {
        case a, b, c, d, e, f, g
    }

    func encode(to encoder: any Encoder) throws {
        var outer = encoder.container(keyedBy: Keys.self)
        try outer.encode("x", forKey: .a)
        var nested = outer.nestedContainer(keyedBy: Keys.self, forKey: .b)
        try nested.encode(true, forKey: .a)
        var list = nested.nestedUnkeyedContainer(forKey: .b)
        try list.encode(1)
        var inner = list.nestedContainer(keyedBy: Keys.self)
        try inner.encodeNil(forKey: .a)
        try list.encode("after")
        var emptyList = list.nestedUnkeyedContainer()
        _ = emptyList
        try outer.encodeIfPresent(nil as Int?, forKey: .c)
        try outer.encode([String](), forKey: .d)
        var again = encoder.container(keyedBy: Keys.self)
        try again.encode(Int32(-7), forKey: .e)
        try 5.encode(to: again.superEncoder())
        try "via super".encode(to: outer.superEncoder(forKey: .f))
        var singles = outer.nestedUnkeyedContainer(forKey: .g)
        try singles.encodeNil()
        try [1, 2].encode(to: singles.superEncoder())
        emptyList = singles
    }
}
