import AppsCore
import ClusterEdge
import CorralMetrics
import HTTPTypes
import Hummingbird
import NIOCore

/// Apps' REST API (Marathon's `/v2`), shared by `corral apps` and the tests. Paths are
/// read segment by segment, so app ids may hold slashes and arrive as `//id`. The leading
/// instance answers; a standby forwards every call but `/ping` and `GET /v2/leader` to it.
public struct AppsRoutes: Sendable {
    public let host: AppsHost
    /// The largest request body read (413 beyond).
    public var requestBytesMax = 1 << 20

    public init(host: AppsHost) {
        self.host = host
    }

    public func responder() -> CallbackResponder<BasicRequestContext> {
        CallbackResponder { request, _ in await respond(to: request) }
    }

    func respond(to request: Request) async -> Response {
        let started = ContinuousClock.now
        var api = APIRequest(request)
        var response: Response
        if request.method == .options {
            response = Self.preflight
        } else if let refusal = Self.crossSiteRefusal(request) {
            response = refusal
        } else {
            response = await answer(&api)
        }
        // The web UI, served by the masters, calls this API from the page.
        response.headers[.accessControlAllowOrigin] = "*"
        host.metrics.requests.record(
            route: AppsMetrics.route(api.segments), method: request.method, status: response.status, since: started)
        return response
    }

    /// The answer to a browser's CORS preflight: any origin may call the API with JSON.
    static let preflight = Response(
        status: .noContent,
        headers: [
            .accessControlAllowMethods: "GET, HEAD, POST, PUT, PATCH, DELETE",
            .accessControlAllowHeaders: "Content-Type, Accept, Authorization", .accessControlMaxAge: "600",
        ])

    /// 415 for a POST from a web page (it names its Origin) that is not JSON. A page of
    /// another site can send a form's POST (a Content-Type the browser sends without asking
    /// first) with the credentials a browser cached for Apps; it cannot send JSON so, as the
    /// browser asks first and `*` refuses credentials. Clients that are not browsers name
    /// no Origin and are not asked (`curl -d` sends a form's type).
    static func crossSiteRefusal(_ request: Request) -> Response? {
        guard request.method == .post, let origin = request.headers[.origin], !ContentNegotiation.isJSON(request)
        else { return nil }
        return APIReply.json(
            .object([
                (
                    "message",
                    .string(
                        "A POST from a web page (Origin: \(origin)) must be sent with Content-Type: application/json")
                )
            ]), status: .unsupportedMediaType)
    }

    private func answer(_ api: inout APIRequest) async -> Response {
        do {
            return try await dispatch(&api)
        } catch let error as MarathonError {
            return error.response
        } catch let error as HTTPError {
            let message = error.body ?? error.status.reasonPhrase
            return APIReply.json(.object([("message", .string(message))]), status: error.status)
        } catch {
            return APIReply.json(.object([("message", .string("\(error)"))]), status: .internalServerError)
        }
    }

    private func dispatch(_ api: inout APIRequest) async throws -> Response {
        let segments = api.segments
        if segments == ["ping"] { return ping(api) }
        if let authentication = host.settings.authentication {
            switch authentication.check(authorization: api.request.headers[.authorization]) {
            case .granted(let access): api.access = access
            case .missing:
                return Self.unauthenticated(authentication, "Not Authenticated! Send a user and password (HTTP Basic)")
            case .refused:
                return Self.unauthenticated(authentication, "Not Authenticated! Unknown user or wrong password")
            }
        }
        if segments == ["metrics"], api.method == .get { return await metrics() }
        if segments == ["v2", "leader"], api.method == .get { return leader() }
        if case .standby(let leader) = host.role {
            guard let leader else { throw MarathonError.unavailable("Could not determine the current leader") }
            return try await LeaderProxy.forward(&api.request, to: leader, bodyLimit: requestBytesMax)
        }
        guard segments.count >= 2, segments[0] == "v2" else {
            throw MarathonError.notFound("URI not found: \(api.request.uri.path)")
        }
        let rest = Array(segments.dropFirst(2))
        switch segments[1] {
        case "apps": return try await AppsEndpoint(host: host, bodyLimit: requestBytesMax).handle(&api, rest)
        case "tasks": return try await TasksEndpoint(host: host, bodyLimit: requestBytesMax).handle(&api, rest)
        case "deployments": return try await DeploymentsEndpoint(host: host).handle(api, rest)
        case "queue": return try await QueueEndpoint(host: host).handle(api, rest)
        case "groups": return try await GroupsEndpoint(host: host, bodyLimit: requestBytesMax).handle(&api, rest)
        case "events": return try await EventsEndpoint(host: host).handle(api, rest)
        case "info" where rest.isEmpty: return try await info(api)
        case "leader" where rest.isEmpty && api.method == .delete: return try await abdicate(api)
        default: throw MarathonError.notFound("URI not found: \(api.request.uri.path)")
        }
    }

    /// 401 with the challenge that makes curl and browsers send credentials.
    private static func unauthenticated(_ authentication: AppsAuthentication, _ message: String) -> Response {
        APIReply.json(
            .object([("message", .string(message))]), status: .unauthorized,
            headers: [.wwwAuthenticate: authentication.challenge])
    }

    /// `pong`: as text, or as a JSON string to a client that accepts only JSON.
    private func ping(_ api: APIRequest) -> Response {
        let accept = api.request.headers[.accept] ?? "*/*"
        if accept.contains("application/json") && !accept.contains("text/") && !accept.contains("*/*") {
            return APIReply.json("pong")
        }
        return HTTPReplies.text(.ok, "pong")
    }

    /// This instance's own metrics: a standby answers too, never forwarding.
    private func metrics() async -> Response {
        host.metrics.refresh(await host.metricsReading())
        return host.metrics.registry.response()
    }

    private func leader() -> Response {
        switch host.role {
        case .leading: return APIReply.json(.object([("leader", .string(host.settings.address))]))
        case .standby(let leader?): return APIReply.json(.object([("leader", .string(leader.description))]))
        case .standby(nil): return MarathonError.notFound("There is no leader").response
        }
    }

    /// `DELETE /v2/leader`: a user who may update every app.
    private func abdicate(_ api: APIRequest) async throws -> Response {
        try api.permit(.update, .root)
        guard await host.abdicateOnRequest() else { throw MarathonError.notFound("There is no leader") }
        return APIReply.json(.object([("message", "Leadership abdicated")]))
    }

    private func info(_ api: APIRequest) async throws -> Response {
        try APIRequest.require(api, .get)
        let frameworkID = await host.frameworkID
        let leading = host.role == .leading
        return APIReply.json(
            InfoJSON.info(
                host.settings, leader: leading ? host.settings.address : nil, frameworkID: frameworkID,
                elected: leading))
    }
}

extension APIRequest {
    /// Throws 405 unless the request's method is one of `methods`.
    static func require(_ api: APIRequest, _ methods: HTTPRequest.Method...) throws {
        guard methods.contains(api.method) else {
            throw MarathonError(
                status: 405,
                body: .object([("message", .string("HTTP method \(api.method.rawValue) is not supported by this URL"))])
            )
        }
    }
}

extension AppsHost {
    /// The scheduler's state to render from; 503 when this instance stopped leading.
    func snapshot() throws(MarathonError) -> AppsScheduler {
        guard let scheduler = read({ $0 }) else {
            throw .unavailable("This Apps instance stopped leading; try again (any instance forwards)")
        }
        return scheduler
    }

    /// The state as the request's user may see it: only the apps they may view.
    func snapshot(seenBy api: APIRequest) throws(MarathonError) -> AppsScheduler {
        try snapshot().restricted(to: api.access)
    }
}
