import AgentCore
import ClusterProtocol
import FoundationEssentials

/// The checkpoint file's payload: JSON records, each after its kind (one byte) and its
/// length (4 bytes, big-endian). The first holds the agent's own part (its id and info,
/// boot, frameworks, silenced executors); then one record per executor, per container and
/// per task's unacknowledged updates, in the checkpoint's order.
///
/// A value is encoded again only when it differs from the one under its key in the last
/// payload: a status update costs the JSON of one executor and one task's updates, not of
/// everything on the agent.
struct CheckpointRecords: Sendable {
    enum Kind: UInt8 {
        case agent = 0x41  // A
        case executor = 0x45  // E
        case container = 0x43  // C
        case updates = 0x55  // U
    }

    private var agent = EncodedValues<Int, AgentCheckpoint>()
    private var executors = EncodedValues<ExecutorKey, ExecutorRun>()
    private var containers = EncodedValues<Mesos.ContainerID, CheckpointedContainer>()
    private var updates = EncodedValues<TaskKey, PendingUpdates>()

    mutating func encode(_ checkpoint: AgentCheckpoint) -> [UInt8] {
        var own = checkpoint
        own.executors = []
        own.containers = []
        own.updates = []
        return agent.records([own], kind: .agent) { _ in 0 }
            + executors.records(checkpoint.executors, kind: .executor, key: \.key)
            + containers.records(checkpoint.containers, kind: .container, key: \.containerID)
            + updates.records(checkpoint.updates, kind: .updates, key: \.task)
    }

    /// The checkpoint, or a description of what is wrong with the payload.
    static func decode(_ payload: [UInt8]) throws(PayloadProblem) -> AgentCheckpoint {
        var checkpoint: AgentCheckpoint?
        var offset = 0
        while offset < payload.count {
            guard payload.count - offset >= 5 else {
                throw PayloadProblem("its record at byte \(offset) is cut short")
            }
            let length = payload[offset + 1..<offset + 5].reduce(0) { $0 << 8 | Int($1) }
            guard length <= payload.count - offset - 5 else {
                throw PayloadProblem("its record at byte \(offset) runs past the end")
            }
            let json = Array(payload[offset + 5..<offset + 5 + length])
            switch (Kind(rawValue: payload[offset]), checkpoint) {
            case (.agent, nil): checkpoint = try decodeJSON(AgentCheckpoint.self, json)
            case (.executor, _?): checkpoint!.executors.append(try decodeJSON(ExecutorRun.self, json))
            case (.container, _?): checkpoint!.containers.append(try decodeJSON(CheckpointedContainer.self, json))
            case (.updates, _?): checkpoint!.updates.append(try decodeJSON(PendingUpdates.self, json))
            default:
                throw PayloadProblem("its record at byte \(offset) is of kind \(payload[offset]), not expected there")
            }
            offset += 5 + length
        }
        guard let checkpoint else { throw PayloadProblem("it holds no records") }
        return checkpoint
    }

    static func decodeJSON<T: Decodable>(_ type: T.Type, _ json: [UInt8]) throws(PayloadProblem) -> T {
        do {
            return try JSONDecoder().decode(type, from: Data(json))
        } catch {
            throw PayloadProblem("its JSON does not decode: \(error)")
        }
    }
}

/// What is wrong with a checkpoint's payload.
struct PayloadProblem: Error {
    var problem: String
    init(_ problem: String) { self.problem = problem }
}

/// Values of one kind as the last payload encoded them, by key.
private struct EncodedValues<Key: Hashable & Sendable, Value: Encodable & Equatable & Sendable>: Sendable {
    private var last: [Key: (value: Value, json: [UInt8])] = [:]

    /// The values' records, reusing the JSON of each value unchanged since the last call.
    mutating func records(_ values: [Value], kind: CheckpointRecords.Kind, key: (Value) -> Key) -> [UInt8] {
        var encoded: [Key: (value: Value, json: [UInt8])] = [:]
        var bytes: [UInt8] = []
        for value in values {
            let json: [UInt8]
            if let previous = last[key(value)], previous.value == value {
                json = previous.json
            } else {
                json = Self.json(value)
            }
            encoded[key(value)] = (value, json)
            let length = UInt32(json.count)
            bytes += [kind.rawValue, UInt8(length >> 24), UInt8(length >> 16 & 0xff), UInt8(length >> 8 & 0xff)]
            bytes += [UInt8(length & 0xff)] + json
        }
        last = encoded
        return bytes
    }

    private static func json(_ value: Value) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        do {
            return Array(try encoder.encode(value))
        } catch {
            preconditionFailure("encoding the agent checkpoint: \(error)")
        }
    }
}
