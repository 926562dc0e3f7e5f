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
            try api.permit(.delete, path)
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
            let apps = update.flattened(under: group)
            try await permit(api, apps, scaling: update.scaleBy == nil ? nil : group)
            let request = AppsRequest.changeGroup(
                group, apps: apps, scaleBy: update.scaleBy, creating: creating, force: force)
            return try answer(await host.request(request), created: creating ? "/v2/groups\(group)" : nil)
        default:
            try APIRequest.require(api, .get, .post, .put, .delete)
            return try await show(api, path)
        }
    }

    /// A group change creates or updates each app it names (the user must be allowed
    /// that on each) and with `scaleBy` updates every app under the group.
    private func permit(_ api: APIRequest, _ apps: [AppUpdate], scaling group: AppID?) async throws {
        let existing = try await host.snapshot().apps
        for app in apps {
            let id = AppID(app.id ?? "")
            try api.permit(existing[id] == nil ? .create : .update, id)
        }
        if let group { try api.permit(.update, group) }
    }

    /// The group with what the user may see of it; 403 when they may see nothing of it.
    private func show(_ api: APIRequest, _ id: AppID) async throws -> Response {
        guard api.access.seesPart(of: id) else { throw MarathonError.forbidden(user: api.access.user, .view, id) }
        let scheduler = try await host.snapshot(seenBy: api)
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
