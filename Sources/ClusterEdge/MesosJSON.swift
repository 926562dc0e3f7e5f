import ClusterProtocol

/// The JSON coder every edge uses for Mesos' records and Corral's own: `JSONStreamEncoder`
/// to write, `JSONTapeDecoder` to read, with decoding errors turned into one line naming the
/// field and the problem.
public enum MesosJSON {
    public static func encode<T: Encodable>(_ value: T) -> [UInt8] {
        do {
            return try JSONStreamEncoder().encode(value)
        } catch {
            preconditionFailure("encoding \(T.self): \(error)")
        }
    }

    public static func decode<T: Decodable>(_ type: T.Type, from bytes: some Collection<UInt8>) throws(JSONProblem) -> T
    {
        do {
            return try JSONTapeDecoder().decode(type, from: Array(bytes))
        } catch let error as DecodingError {
            throw JSONProblem(message: describe(error))
        } catch {
            throw JSONProblem(message: "\(error)")
        }
    }

    /// "Missing 'framework_info' at subscribe", "Expected a string at type: …".
    static func describe(_ error: DecodingError) -> String {
        func path(_ context: DecodingError.Context) -> String {
            let keys = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }
            return keys.isEmpty ? "the top level" : keys.joined(separator: ".")
        }
        switch error {
        case .keyNotFound(let key, let context): return "Missing '\(key.stringValue)' at \(path(context))"
        case .typeMismatch(let type, let context):
            return "Expected \(type) at \(path(context)): \(context.debugDescription)"
        case .valueNotFound(let type, let context): return "Expected \(type) at \(path(context)), found null"
        case .dataCorrupted(let context): return "Invalid value at \(path(context)): \(context.debugDescription)"
        @unknown default: return "\(error)"
        }
    }
}

/// A body that is not the JSON the endpoint expects.
public struct JSONProblem: Error, CustomStringConvertible {
    public var message: String

    public var description: String { message }
}
