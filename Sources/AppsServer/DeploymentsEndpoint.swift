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
            let scheduler = try await host.snapshot(seenBy: api)
            let deployments = scheduler.deployments.values.sorted { ($0.version, $0.id) < ($1.version, $1.id) }
            return APIReply.json(.array(deployments.map(DeploymentJSON.deployment)))
        case 1:
            try APIRequest.require(api, .delete)
            let force = try flag(api, "force", default: false)
            try await permitCancel(api, rest[0])
            let reply = try APIReply.reply(await host.request(.cancelDeployment(rest[0], force: force)))
            if case .deployment(let id, let version, _) = reply { return APIReply.deployment(id: id, version: version) }
            // The marathon client reads a body unless it forced the cancel.
            return force ? Response(status: .accepted) : APIReply.json(.object([]))
        default: throw MarathonError.notFound("URI not found: \(api.request.uri.path)")
        }
    }

    /// Cancelling a deployment changes every app it touches: the user must be allowed to
    /// update each. One they may not see is not found.
    private func permitCancel(_ api: APIRequest, _ id: String) async throws {
        guard let deployment = try await host.snapshot().deployments[id] else { return }
        guard api.access.sees(deployment.affectedApps) else {
            throw MarathonError.notFound("DeploymentPlan \(id) does not exist")
        }
        for app in deployment.affectedApps { try api.permit(.update, app) }
    }
}
