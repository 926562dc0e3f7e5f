/// The body of an agent's POST after REGISTER: one call as a JSON object, or several as a
/// JSON array of calls (protocol version 2), taken in order. An agent whose calls come
/// faster than the master answers sends what waits in one request instead of one each.
public struct AgentCallBatch: Codable, Hashable, Sendable {
    public var calls: [AgentCall]

    public init(_ calls: [AgentCall]) { self.calls = calls }

    /// An object is one call; an array, several. An array's bad element is reported at its
    /// index, an object's bad field at its name.
    public init(from decoder: any Decoder) throws {
        do {
            calls = [try AgentCall(from: decoder)]
        } catch DecodingError.typeMismatch(_, let context) where context.codingPath.isEmpty {
            calls = try [AgentCall](from: decoder)
        }
    }

    /// One call as an object, as version 1 sent it; more as an array.
    public func encode(to encoder: any Encoder) throws {
        if calls.count == 1 {
            try calls[0].encode(to: encoder)
        } else {
            try calls.encode(to: encoder)
        }
    }
}
