import AppsCore
import ClusterEdge
import HTTPTypes
import Hummingbird

/// `GET /v2/groups[/{id}]`: the apps as a tree of groups by their paths, with apps
/// embedded (`embed=group.apps.counts` and the like add to each app).
struct GroupsEndpoint {
    let host: AppsHost

    func handle(_ api: APIRequest, _ rest: [String]) async throws -> Response {
        guard api.method == .get else {
            throw MarathonError(
                status: 405,
                body: .object([
                    (
                        "message",
                        "Apps serves groups read-only: create, change and delete the apps in them through /v2/apps/{id}"
                    )
                ]))
        }
        let id = AppID(segments: rest)
        let scheduler = try await host.snapshot()
        let embed = AppInfoJSON.Embeds(api.values("embed"))
        guard let group = GroupJSON.group(id, in: scheduler, embed: embed) else {
            throw MarathonError.notFound("Group '\(id)' does not exist")
        }
        return APIReply.json(group)
    }
}
