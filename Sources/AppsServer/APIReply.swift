import AppsCore
import ClusterEdge
import HTTPTypes
import Hummingbird
import NIOCore

/// The answers the REST API sends, and what a user's change came to.
enum APIReply {
    static let deploymentIDHeader = HTTPField.Name("Marathon-Deployment-Id")!

    static func json(_ value: JSONValue, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) -> Response {
        var headers = headers
        headers[.contentType] = "application/json; charset=utf-8"
        return Response(
            status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: value.serialized)))
    }

    /// `{"version", "deploymentId"}` with the deployment's header; `location` for a change
    /// that created the app (201).
    static func deployment(id: String, version: Int64, location: String? = nil) -> Response {
        var headers: HTTPFields = [deploymentIDHeader: id]
        if let location { headers[.location] = location }
        return json(
            DeploymentJSON.result(id: id, version: version), status: location == nil ? .ok : .created, headers: headers)
    }

    /// The scheduler's reply, or the error it stands for (404, 409, 422), or 503 when this
    /// instance could not step it.
    static func reply(_ outcome: AppsHost.Outcome) throws(MarathonError) -> AppsReply {
        switch outcome {
        case .reply(.invalid(let problems)): throw .invalid(problems)
        case .reply(.notFound(let message)): throw .notFound(message)
        case .reply(.conflict(let message, let deployments)): throw .conflict(message, deployments: deployments)
        case .reply(let reply): return reply
        case .standingBy: throw .unavailable("This Apps instance stopped leading; try again (any instance forwards)")
        case .busy:
            throw .unavailable(
                "\(ActionPipeline.batchesQueuedMax) changes are waiting for Keeper already; try again shortly")
        case .failed:
            throw .unavailable(
                "This instance stepped down while Keeper was taking the change, which may or may not have been saved: "
                    + "check GET /v2/apps/{id} and /v2/deployments before trying again")
        }
    }
}
