import CoreMetrics
import HTTPTypes
import Hummingbird
import NIOConcurrencyHelpers

/// Counts every request a daemon answers and how long it took to start answering:
/// `corral_http_requests_total{route,method,code}` and
/// `corral_http_request_duration_seconds{route,method}`. The route is a pattern
/// (`/master/state`, `/v2/apps`), never the path a client sent, so the label set stays as
/// small as the API; a method outside HTTP's own is counted as `OTHER`.
public struct HTTPRequestMetrics: Sendable {
    let metrics: MetricsRegistry
    /// The counter and timer of each label set, made on its first request: a request costs
    /// one dictionary lookup, not two registry lookups and two allocations. As small as
    /// the label sets (routes × methods × codes).
    private let handles = Handles()

    public init(_ metrics: MetricsRegistry) {
        self.metrics = metrics
    }

    public func record(
        route: String, method: HTTPRequest.Method, status: HTTPResponse.Status, since start: ContinuousClock.Instant
    ) {
        let key = Handles.Key(
            route: route, method: knownMethods.contains(method) ? method.rawValue : "OTHER", code: status.code)
        let (counter, timer) = handles.made.withLockedValue { made in
            if let found = made[key] { return found }
            let labels = [("route", key.route), ("method", key.method)]
            let new = (
                metrics.counter("corral_http_requests_total", labels + [("code", String(key.code))]),
                metrics.timer("corral_http_request_duration_seconds", labels)
            )
            made[key] = new
            return new
        }
        counter.increment()
        timer.record(since: start)
    }

    private final class Handles: Sendable {
        struct Key: Hashable {
            var route: String
            var method: String
            var code: Int
        }
        let made = NIOLockedValueBox<[Key: (CoreMetrics.Counter, CoreMetrics.Timer)]>([:])
    }
}

/// `HTTPRequestMetrics` for a Hummingbird router: the route is the pattern that matched.
public struct HTTPMetricsMiddleware<Context: RequestContext>: RouterMiddleware {
    let requests: HTTPRequestMetrics

    public init(_ metrics: MetricsRegistry) {
        self.requests = HTTPRequestMetrics(metrics)
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        let started = ContinuousClock.now
        let route = { context.endpointPath ?? "NotFound" }
        do {
            let response = try await next(request, context)
            requests.record(route: route(), method: request.method, status: response.status, since: started)
            return response
        } catch {
            let status = (error as? any HTTPResponseError)?.status ?? .internalServerError
            requests.record(route: route(), method: request.method, status: status, since: started)
            throw error
        }
    }
}

/// The methods counted by name: HTTP's own.
private let knownMethods: Set<HTTPRequest.Method> = [
    .get, .head, .post, .put, .delete, .connect, .options, .trace, .patch,
]
