import AppsCore
import ClusterEdge

/// Reads a request's JSON body the way Marathon does: a body that does not parse is a
/// 400, a field of the wrong type a 422 naming its path (`/healthChecks(0)/portIndex`)
/// and what was expected (`error.expected.jsnumber`).
enum RequestBody {
    static func decode<T: Decodable>(_ type: T.Type, from bytes: [UInt8]) throws(MarathonError) -> T {
        guard bytes.contains(where: { !$0.isWhitespace }) else {
            throw MarathonError.badRequest("Please specify data in JSON format")
        }
        do {
            return try JSONTapeDecoder().decode(type, from: bytes)
        } catch let error as DecodingError {
            throw problem(error)
        } catch {
            throw MarathonError.unparsable("\(error)")
        }
    }

    private static func problem(_ error: DecodingError) -> MarathonError {
        switch error {
        case .typeMismatch(let type, let context):
            return .invalidJSON([ValidationProblem(path: path(context.codingPath), expected(type))])
        case .valueNotFound(let type, let context):
            return .invalidJSON([ValidationProblem(path: path(context.codingPath), expected(type))])
        case .keyNotFound(let key, let context):
            return .invalidJSON([ValidationProblem(path: path(context.codingPath + [key]), "error.path.missing")])
        case .dataCorrupted(let context) where context.codingPath.isEmpty:
            return .unparsable(context.debugDescription)
        case .dataCorrupted(let context):
            return .invalidJSON([ValidationProblem(path: path(context.codingPath), context.debugDescription)])
        @unknown default:
            return .unparsable("\(error)")
        }
    }

    /// `/a/b(0)/c`: keys joined by slashes, array indices in parentheses after their key.
    static func path(_ keys: [any CodingKey]) -> String {
        var text = ""
        for key in keys {
            if let index = key.intValue { text += "(\(index))" } else { text += "/" + key.stringValue }
        }
        return text.isEmpty ? "/" : text
    }

    private static func expected(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "error.expected.jsstring"
        case is Bool.Type: "error.expected.jsboolean"
        case is Int.Type, is Int64.Type, is Double.Type: "error.expected.jsnumber"
        case is [Any].Type: "error.expected.jsarray"
        default: "error.expected.jsobject"
        }
    }
}

extension UInt8 {
    fileprivate var isWhitespace: Bool { self == 0x20 || self == 0x0A || self == 0x0D || self == 0x09 }
}
