import AppsCore
import ClusterEdge
import HTTPTypes
import Hummingbird

/// `GET /v2/queue` (`embed=lastUnusedOffers` adds the offers that did not fit) and
/// `DELETE /v2/queue/{id}/delay`, which resets an app's launch back-off (204; `POST` is
/// taken too).
struct QueueEndpoint {
    let host: AppsHost

    func handle(_ api: APIRequest, _ rest: [String]) async throws -> Response {
        if rest.isEmpty {
            try APIRequest.require(api, .get)
            let scheduler = try await host.snapshot(seenBy: api)
            let embedOffers = api.values("embed").contains("lastUnusedOffers")
            return APIReply.json(QueueJSON.queue(scheduler, now: await host.now, withUnusedOffers: embedOffers))
        }
        guard rest.count > 1, rest.last == "delay" else {
            throw MarathonError.notFound("URI not found: \(api.request.uri.path)")
        }
        try APIRequest.require(api, .delete, .post)
        let id = AppID(segments: Array(rest.dropLast()))
        try api.permit(.update, id)
        let outcome = await host.request(.resetDelay(id))
        if case .reply(.notFound) = outcome {
            throw MarathonError.notFound("Application \(id) not found in tasks queue.")
        }
        _ = try APIReply.reply(outcome)
        return Response(status: .noContent)
    }
}
