import ClusterEdge
import ClusterProtocol
import Foundation
import Testing

/// The tape decoder against Foundation's: the same values from the records the master and
/// agents read, the same answer (value or refusal) for random documents and for random
/// corruptions of them, and the same kind of error at the same path for bad records.
@Suite("JSON tape decoder")
struct JSONTapeDecoderTests {
    @Test("Mesos records decode to what Foundation decodes")
    func records() throws {
        try expectSame(AgentEvent.self, JSONStreamEncoderTests.runTask)
        try expectSame(Mesos.SchedulerEvent.self, JSONStreamEncoderTests.update)
        try expectSame(Mesos.SchedulerEvent.self, JSONStreamEncoderTests.offers)
        let accept = #"""
            {"type": "ACCEPT", "framework_id": {"value": "F"}, "accept": {"offer_ids": [{"value": "O1"}],
             "operations": [{"type": "LAUNCH", "launch": {"task_infos": [
               {"name": "t", "task_id": {"value": "t\u00e91\ud83d\ude00"}, "agent_id": {"value": "S0"},
                "resources": [{"name": "cpus", "type": "SCALAR", "scalar": {"value": 1e-1}}],
                "command": {"value": "sleep 1", "shell": true}}]}}],
             "filters": {"refuse_seconds": 5.0}}, "type": "ACCEPT"}
            """#
        try expectSame(Mesos.SchedulerCall.self, accept)
    }

    @Test("random documents: the same values as Foundation", arguments: 0..<4)
    func randomDocuments(seed: UInt64) throws {
        var random = TestRandom(seed: seed)
        for _ in 0..<300 {
            expectSameOutcome(Array(RandomJSON.value(&random, depth: 0).utf8))
        }
    }

    @Test("corrupted documents: refused where Foundation refuses, the same values where it accepts", arguments: 0..<4)
    func corruptedDocuments(seed: UInt64) throws {
        var random = TestRandom(seed: 100 + seed)
        for _ in 0..<600 {
            var bytes = Array(RandomJSON.value(&random, depth: 0).utf8)
            for _ in 0...random.next(below: 3) { RandomJSON.corrupt(&bytes, &random) }
            expectSameOutcome(bytes)
        }
    }

    /// The same value from both, or a refusal from both.
    func expectSameOutcome(_ bytes: [UInt8], sourceLocation: SourceLocation = #_sourceLocation) {
        let foundation = Result { try Foundation.JSONDecoder().decode(Probe.self, from: Data(bytes)) }
        let tape = Result { try JSONTapeDecoder().decode(Probe.self, from: bytes) }
        switch (foundation, tape) {
        case (.success(let a), .success(let b)):
            #expect(a == b, "\(String(decoding: bytes, as: UTF8.self))", sourceLocation: sourceLocation)
        case (.failure, .failure): break
        case (.success, .failure(DecodingError.dataCorrupted(let context))) where context.codingPath.isEmpty:
            // Foundation checks a number only when something decodes it: the tape refuses
            // what a strict parser refuses.
            #expect(
                (try? JSONSerialization.jsonObject(with: Data(bytes), options: .fragmentsAllowed)) == nil,
                "\(String(decoding: bytes, as: UTF8.self))", sourceLocation: sourceLocation)
        default:
            Issue.record(
                "Foundation \(foundation), tape \(tape) for \(String(decoding: bytes, as: UTF8.self).debugDescription)",
                sourceLocation: sourceLocation)
        }
    }

    @Test("bad records fail with Foundation's kind of error at Foundation's path")
    func errors() throws {
        let documents = [
            #"{"type": "ACCEPT"}"#,
            #"{"type": "ACCEPT", "accept": {"offer_ids": [{"value": 7}]}}"#,
            #"{"type": "ACCEPT", "accept": {"offer_ids": [null]}}"#,
            #"{"type": "ACCEPT", "accept": {"offer_ids": {"value": "O"}}}"#,
            #"{"type": "NOT_A_CALL"}"#,
            #"{"type": "DECLINE", "decline": {"offer_ids": [], "filters": {"refuse_seconds": "5"}}}"#,
            #"{"type": "DECLINE", "decline": {"offer_ids": [], "filters": {"refuse_seconds": null}}}"#,
            #"{"type": "SUBSCRIBE", "subscribe": {"framework_info": {"user": "u", "name": "n", "failover_timeout": true}}}"#,
            #"{"type": "SUBSCRIBE", "subscribe": {"framework_info": null}}"#,
            #"["type"]"#, "7", "", "{", #"{"type": "ACCEPT",}"#, "nul", #"{"type":"\ud800"}"#,
        ]
        for text in documents {
            let foundation = describe {
                try Foundation.JSONDecoder().decode(Mesos.SchedulerCall.self, from: Data(text.utf8))
            }
            let tape = describe { try JSONTapeDecoder().decode(Mesos.SchedulerCall.self, from: Array(text.utf8)) }
            #expect(foundation == tape, "\(text)")
        }
    }

    @Test("deep nesting is refused without recursing; long inputs and every byte value are safe")
    func limits() throws {
        let deep = Array(repeating: UInt8(ascii: "["), count: 100_000)
        #expect(throws: DecodingError.self) { try JSONTapeDecoder().decode(Probe.self, from: deep) }
        let allowed = String(repeating: "[", count: 512) + String(repeating: "]", count: 512)
        #expect(throws: Never.self) { try JSONTapeDecoder().decode(Probe.self, from: Array(allowed.utf8)) }
        let tooDeep = "[" + allowed + "]"
        #expect(throws: DecodingError.self) { try JSONTapeDecoder().decode(Probe.self, from: Array(tooDeep.utf8)) }
        for byte in UInt8.min...UInt8.max {
            let document = [UInt8(ascii: "\""), byte, UInt8(ascii: "\"")]
            let foundation = (try? Foundation.JSONDecoder().decode(String.self, from: Data(document))) != nil
            let tape = (try? JSONTapeDecoder().decode(String.self, from: document)) != nil
            #expect(foundation == tape, "byte \(byte)")
        }
    }

    @Test("integers from fraction and exponent forms are taken from their exact value")
    func exactIntegers() throws {
        func int64(_ text: String) -> Int64? { try? JSONTapeDecoder().decode(Int64.self, from: Array(text.utf8)) }
        #expect(int64("2.50e1") == 25)
        #expect(int64("1e3") == 1000)
        #expect(int64("-0.0") == 0)
        #expect(int64("0.000e999") == 0)
        #expect(int64("-9.223372036854775808e18") == Int64.min)
        #expect(int64("9.223372036854775808e18") == nil)
        #expect(int64("92233720368547758072.5e-3") == nil)
        #expect(int64("1.5") == nil)
        #expect(int64("1e-400") == nil)
        #expect(int64("1e999999999999") == nil)
        // An exponent of Int.min: its magnitude must not overflow.
        #expect(int64("1e-9223372036854775808") == nil)
        #expect(int64("0e-9223372036854775808") == 0)
        #expect(int64("1.5e9223372036854775807") == nil)
        #expect((try? JSONTapeDecoder().decode(Double.self, from: Array("1e-400".utf8))) == nil)
        #expect((try? JSONTapeDecoder().decode(UInt8.self, from: Array("2.55e2".utf8))) == 255)
        #expect((try? JSONTapeDecoder().decode(UInt8.self, from: Array("-1".utf8))) == nil)
    }

    @Test("a number too large for a double is refused where it stands")
    func hugeNumber() {
        let text = #"{"type": "DECLINE", "decline": {"offer_ids": [], "filters": {"refuse_seconds": 1e999}}}"#
        // Foundation refuses it while parsing, so it names no path; the tape names the field.
        #expect(
            describe { try JSONTapeDecoder().decode(Mesos.SchedulerCall.self, from: Array(text.utf8)) }
                == "corrupt at decline.filters.refuse_seconds")
    }

    /// What went wrong, in the words a 400 answer uses, with the key types erased.
    func describe(_ body: () throws -> Mesos.SchedulerCall) -> String {
        do {
            _ = try body()
            return "decoded"
        } catch let error as DecodingError {
            switch error {
            case .keyNotFound(let key, let context): return "key \(key.stringValue) at \(path(context))"
            case .typeMismatch(_, let context): return "type at \(path(context))"
            case .valueNotFound(_, let context): return "null at \(path(context))"
            case .dataCorrupted(let context): return "corrupt at \(path(context))"
            @unknown default: return "\(error)"
            }
        } catch {
            return "\(error)"
        }
    }

    func path(_ context: DecodingError.Context) -> String {
        context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
    }

    func expectSame<T: Codable>(_ type: T.Type, _ text: String, sourceLocation: SourceLocation = #_sourceLocation)
        throws
    {
        let foundation = try Foundation.JSONDecoder().decode(T.self, from: Data(text.utf8))
        let tape = try JSONTapeDecoder().decode(T.self, from: Array(text.utf8))
        #expect(
            try JSONStreamEncoder().encode(foundation) == JSONStreamEncoder().encode(tape), "\(text)",
            sourceLocation: sourceLocation)
    }
}

/// Any JSON value, decoded the way generic records are: objects by key, arrays by index,
/// scalars by trying the types in turn.
enum Probe: Codable, Equatable {
    case object([String: Probe])
    case array([Probe])
    case null
    case bool(Bool)
    case integer(Int64)
    case unsigned(UInt64)
    case double(Double)
    case string(String)

    struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    init(from decoder: any Decoder) throws {
        if let object = try? decoder.container(keyedBy: Key.self) {
            var members: [String: Probe] = [:]
            for key in object.allKeys { members[key.stringValue] = try object.decode(Probe.self, forKey: key) }
            self = .object(members)
        } else if var array = try? decoder.unkeyedContainer() {
            var elements: [Probe] = []
            while !array.isAtEnd { elements.append(try array.decode(Probe.self)) }
            self = .array(elements)
        } else {
            self = try Self.scalar(try decoder.singleValueContainer())
        }
    }

    static func scalar(_ value: any SingleValueDecodingContainer) throws -> Probe {
        if value.decodeNil() { return .null }
        if let flag = try? value.decode(Bool.self) { return .bool(flag) }
        if let number = try? value.decode(Int64.self) { return .integer(number) }
        if let number = try? value.decode(UInt64.self) { return .unsigned(number) }
        if let number = try? value.decode(Double.self) { return .double(number) }
        return .string(try value.decode(String.self))
    }

    func encode(to encoder: any Encoder) throws {}
}

/// Random JSON texts with the spellings a parser must get right.
enum RandomJSON {
    static func value(_ random: inout TestRandom, depth: Int) -> String {
        switch random.next(below: depth > 3 ? 6 : 8) {
        case 0: return "null"
        case 1: return random.next(below: 2) == 0 ? "true" : "false"
        case 2: return number(&random)
        case 3, 4, 5: return string(&random)
        case 6:
            let members = (0..<random.next(below: 5)).map { _ in
                string(&random) + space(&random) + ":" + space(&random) + value(&random, depth: depth + 1)
            }
            return "{" + space(&random) + members.joined(separator: "," + space(&random)) + "}"
        default:
            let elements = (0..<random.next(below: 5)).map { _ in value(&random, depth: depth + 1) }
            return "[" + elements.joined(separator: space(&random) + ",") + space(&random) + "]"
        }
    }

    static let numbers = [
        "0", "-0", "1", "-1", "16", "0.1", "1.0", "1e3", "1E+2", "2.5e-3", "-12.75", "1e400", "-1e400",
        "9223372036854775807", "9223372036854775808", "-9223372036854775808", "-9223372036854775809",
        "18446744073709551615", "18446744073709551616", "123456789012345678901234567890", "1764748800.123",
        "4.9e-324", "2.50e1", "-0.0", "1.5e1", "100e-2", "1e-2", "0e5", "0.000e999", "1e18", "1e19",
    ]

    static func number(_ random: inout TestRandom) -> String { numbers[random.next(below: numbers.count)] }

    static let pieces = [
        "a", "task_id", "value", " ", "é", "😀", "\\n", "\\\"", "\\\\", "\\/", "\\u00e9", "\\ud83d\\ude00", "\\u0000",
        "\\t", "\\b", "\\f", "\\r", "x y", "\\uD834\\uDD1E", "mesos",
    ]

    static func string(_ random: inout TestRandom) -> String {
        "\"" + (0..<random.next(below: 4)).map { _ in pieces[random.next(below: pieces.count)] }.joined() + "\""
    }

    static func space(_ random: inout TestRandom) -> String { ["", " ", "\n\t", "\r\n "][random.next(below: 4)] }

    static let noise: [UInt8] = Array("{}[],:\"\\ 0-1.eEtfnu\u{1}x".utf8) + [0xC3, 0xFF, 0xED, 0xA0, 0x80]

    static func corrupt(_ bytes: inout [UInt8], _ random: inout TestRandom) {
        let at = random.next(below: bytes.count + 1)
        switch random.next(below: 3) {
        case 0 where at < bytes.count: bytes.remove(at: at)
        case 1 where at < bytes.count: bytes[at] = noise[random.next(below: noise.count)]
        default: bytes.insert(noise[random.next(below: noise.count)], at: at)
        }
    }
}

/// SplitMix64, so a failing seed replays.
struct TestRandom {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next(below bound: Int) -> Int {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return Int((z ^ (z >> 31)) % UInt64(bound))
    }
}
