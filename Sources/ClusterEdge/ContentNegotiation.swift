import ClusterProtocol
import HTTPTypes
import Hummingbird
import NIOCore

/// Mesos' content negotiation for its v1 APIs: JSON in, JSON out (Corral does not speak
/// the protobuf encoding; a client asking for it is told so).
public enum ContentNegotiation {
    public static func contentTypeProblem(_ request: Request) -> Response? {
        guard let contentType = request.headers[.contentType] else {
            return HTTPReplies.text(.badRequest, "Expecting 'Content-Type' to be present")
        }
        guard isJSON(request) else {
            return HTTPReplies.text(
                .unsupportedMediaType,
                "Expecting 'Content-Type' of application/json (Corral does not speak application/x-protobuf), received '\(contentType)'"
            )
        }
        return nil
    }

    /// Whether the request says its body is JSON (`application/json`, any parameters).
    public static func isJSON(_ request: Request) -> Bool {
        let mediaType = request.headers[.contentType]?.split(separator: ";").first.map { $0.trimmed.lowercased() }
        return mediaType == "application/json"
    }

    public static func acceptProblem(_ request: Request) -> Response? {
        guard let accept = request.headers[.accept] else { return nil }
        let accepted = accept.split(separator: ",").map {
            $0.split(separator: ";").first.map { $0.trimmed.lowercased() } ?? ""
        }
        guard accepted.contains(where: { $0 == "application/json" || $0 == "application/*" || $0 == "*/*" }) else {
            return HTTPReplies.text(
                .notAcceptable, "Expecting 'Accept' to allow application/json, received '\(accept)'")
        }
        return nil
    }
}

extension HTTPField.Name {
    public static let mesosStreamID = HTTPField.Name("Mesos-Stream-Id")!
    public static let corralStreamID = HTTPField.Name(AgentProtocolVersion.streamIDHeader)!
}

extension Substring {
    /// Without leading and trailing spaces and tabs.
    public var trimmed: Substring {
        var text = self
        while let first = text.first, first == " " || first == "\t" { text.removeFirst() }
        while let last = text.last, last == " " || last == "\t" { text.removeLast() }
        return text
    }
}
