import AppsCore
import ClusterEdge
import HTTPTypes
import Hummingbird

/// The error bodies Marathon's clients read: `{"message": …}` and, for invalid input,
/// `details` — a list of `{path, errors}` (or, for JSON that does not parse, a string).
struct MarathonError: Error, Sendable {
    var status: Int
    var body: JSONValue

    static func notFound(_ message: String) -> MarathonError {
        MarathonError(status: 404, body: .object([("message", .string(message))]))
    }

    static func conflict(_ message: String, deployments: [String]) -> MarathonError {
        var members: [(String, JSONValue)] = [("message", .string(message))]
        if !deployments.isEmpty {
            members.append(("deployments", .array(deployments.map { .object([("id", .string($0))]) })))
        }
        return MarathonError(status: 409, body: .object(members))
    }

    /// 422, "Object is not valid": the app's values break Marathon's rules.
    static func invalid(_ problems: [ValidationProblem]) -> MarathonError {
        MarathonError(status: 422, body: .object([("message", "Object is not valid"), ("details", details(problems))]))
    }

    /// 422, "Invalid JSON": the JSON parses but a field has the wrong type.
    static func invalidJSON(_ problems: [ValidationProblem]) -> MarathonError {
        MarathonError(status: 422, body: .object([("message", "Invalid JSON"), ("details", details(problems))]))
    }

    /// 400: the body is not JSON at all.
    static func unparsable(_ detail: String) -> MarathonError {
        MarathonError(status: 400, body: .object([("message", "Invalid JSON"), ("details", .string(detail))]))
    }

    static func badRequest(_ message: String) -> MarathonError {
        MarathonError(status: 400, body: .object([("message", .string(message))]))
    }

    private static func details(_ problems: [ValidationProblem]) -> JSONValue {
        .array(
            problems.map { .object([("path", .string($0.path)), ("errors", .array($0.errors.map { .string($0) }))]) })
    }
}

extension MarathonError {
    /// The error as the response Marathon sends: its body as JSON.
    var response: Response { APIReply.json(body, status: HTTPResponse.Status(code: status)) }

    /// 403 with Marathon's message, and who may not do what.
    static func forbidden(user: String?, _ operation: AppsPermission.Operation, _ id: AppID) -> MarathonError {
        MarathonError(
            status: 403,
            body: .object([
                (
                    "message",
                    .string(
                        "Not Authorized to perform this action! User '\(user ?? "")' may not \(operation.rawValue) \(id) (corral apps --http-users)"
                    )
                )
            ]))
    }

    /// 503: this instance cannot answer now.
    static func unavailable(_ message: String) -> MarathonError {
        MarathonError(status: 503, body: .object([("message", .string(message))]))
    }
}
