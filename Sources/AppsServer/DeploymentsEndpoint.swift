import AppsCore
import ClusterEdge
import HTTPTypes
import Hummingbird

/// `GET /v2/deployments` (a bare array, as Marathon answers) and
/// `DELETE /v2/deployments/{id}`: rolled back, or with `force=true` only forgotten (202).
struct DeploymentsEndpoint {
    let host: AppsHost

    func handle(_ api: APIRequest, _ rest: [String]) async throws -> Response {
        switch rest.count {
        case 0:
            try APIRequest.require(api, .get)
            let scheduler = try await host.snapshot()
            let deployments = scheduler.deployments.values.sorted { ($0.version, $0.id) < ($1.version, $1.id) }
            return APIReply.json(.array(deployments.map(DeploymentJSON.deployment)))
        case 1:
            try APIRequest.require(api, .delete)
            let force = try flag(api, "force", default: false)
            let reply = try APIReply.reply(await host.request(.cancelDeployment(rest[0], force: force)))
            if case .deployment(let id, let version, _) = reply { return APIReply.deployment(id: id, version: version) }
            // The marathon client reads a body unless it forced the cancel.
            return force ? Response(status: .accepted) : APIReply.json(.object([]))
        default: throw MarathonError.notFound("URI not found: \(api.request.uri.path)")
        }
    }
}
