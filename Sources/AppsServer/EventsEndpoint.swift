import AppsCore
import ClusterEdge
import HTTPTypes
import Hummingbird

/// `GET /v2/events`: server-sent events (`Accept: text/event-stream`, else 405 as in
/// Marathon), `event_type=` repeated to choose types; the stream opens with
/// `event_stream_attached`.
struct EventsEndpoint {
    let host: AppsHost

    func handle(_ api: APIRequest, _ rest: [String]) async throws -> Response {
        try APIRequest.require(api, .get)
        guard rest.isEmpty else { throw MarathonError.notFound("URI not found: \(api.request.uri.path)") }
        guard api.request.headers[.accept]?.contains("text/event-stream") == true else {
            throw MarathonError(
                status: 405, body: .object([("message", "HTTP method GET is not supported by this URL")]))
        }
        let events = host.events
        guard let outbox = await host.attachEvents(types: Set(api.values("event_type")), access: api.access) else {
            throw MarathonError.unavailable(
                host.role == .leading
                    ? "\(EventHub.subscribersMax) event streams are open on this instance; close one or try again later"
                    : "This Apps instance stopped leading; ask again (a standby redirects to the leader)")
        }
        // Hummingbird's basic context does not carry the peer's address; a proxy's header does.
        let remote = api.request.headers[HTTPField.Name("X-Forwarded-For")!] ?? "unknown"
        outbox.send(
            EventHub.frame(
                type: "event_stream_attached", json: EventJSON.attached(remoteAddress: remote, now: await host.now)))
        return HTTPReplies.stream(
            outbox, request: api.request,
            headers: [.contentType: "text/event-stream;charset=UTF-8", .cacheControl: "no-cache"]
        ) { events.detach(outbox.id) }
    }
}
