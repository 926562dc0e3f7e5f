import AppsCore
import ClusterEdge
import HTTPTypes
import Hummingbird

/// `/v2/groups[/{id}]`: the apps as a tree of groups by their paths. GET shows it (apps
/// embedded; `embed=group.apps.counts` and the like add to each app); POST creates a
/// group's apps (201), PUT changes them or scales them all (`scaleBy`), DELETE stops
/// every app under the group, each change one deployment.
struct GroupsEndpoint {
    let host: AppsHost
    let bodyLimit: Int

    /// Marathon's GroupUpdate: apps and nested groups with ids relative to the group.
    private struct GroupUpdate: Decodable {
        var id: String?
        var apps: [AppUpdate]?
        var groups: [GroupUpdate]?
        var scaleBy: Double?
        var version: String?

        /// Every app of this group and the groups in it, their ids made absolute.
        func flattened(under base: AppID) -> [AppUpdate] {
            var found: [AppUpdate] = []
            for var app in apps ?? [] {
                app.id = AppID(app.id ?? "", relativeTo: base).description
                found.append(app)
            }
            for group in groups ?? [] { found += group.flattened(under: AppID(group.id ?? "", relativeTo: base)) }
            return found
        }
    }

    func handle(_ api: inout APIRequest, _ rest: [String]) async throws -> Response {
        let path = AppID(segments: rest)
        switch api.method {
        case .get: return try await show(api, path)
        case .delete:
            let force = try flag(api, "force", default: false)
            return try answer(await host.request(.deleteGroup(path, force: force)), created: nil)
        case .post, .put:
            let force = try flag(api, "force", default: false)
            let update = try RequestBody.decode(GroupUpdate.self, from: try await api.body(limit: bodyLimit))
            if update.version != nil {
                throw MarathonError.invalid([
                    ValidationProblem(path: "/version", "Apps does not roll groups back; roll back each app instead")
                ])
            }
            let group = AppID(update.id ?? "", relativeTo: path)
            let creating = api.method == .post
            let request = AppsRequest.changeGroup(
                group, apps: update.flattened(under: group), scaleBy: update.scaleBy, creating: creating, force: force)
            return try answer(await host.request(request), created: creating ? "/v2/groups\(group)" : nil)
        default:
            try APIRequest.require(api, .get, .post, .put, .delete)
            return try await show(api, path)
        }
    }

    private func show(_ api: APIRequest, _ id: AppID) async throws -> Response {
        let scheduler = try await host.snapshot()
        let embed = AppInfoJSON.Embeds(api.values("embed"))
        guard let group = GroupJSON.group(id, in: scheduler, embed: embed) else {
            throw MarathonError.notFound("Group '\(id)' does not exist")
        }
        return APIReply.json(group)
    }

    /// The deployment result (201 with `Location` for a POST), or `{}` when nothing changed.
    private func answer(_ outcome: AppsHost.Outcome, created location: String?) throws -> Response {
        guard case .deployment(let id, let version, _) = try APIReply.reply(outcome) else {
            return APIReply.json(.object([]))
        }
        return APIReply.deployment(id: id, version: version, location: location)
    }
}
