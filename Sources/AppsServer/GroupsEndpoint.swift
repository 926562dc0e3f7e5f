import AppsCore
import ClusterEdge
import HTTPTypes
import Hummingbird

/// `GET /v2/groups[/{id}]`: the apps as a tree of groups by their paths, with apps
/// embedded (`embed=group.apps.counts` and the like add to each app).
struct GroupsEndpoint {
    let host: AppsHost

    func handle(_ api: APIRequest, _ rest: [String]) async throws -> Response {
        try APIRequest.require(api, .get)
        let id = AppID(segments: rest)
        let scheduler = try await host.snapshot()
        let embed = AppInfoJSON.Embeds(api.values("embed"))
        guard let group = GroupJSON.group(id, in: scheduler, embed: embed) else {
            throw MarathonError.notFound("Group '\(id)' does not exist")
        }
        return APIReply.json(group)
    }
}
