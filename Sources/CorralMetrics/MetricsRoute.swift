import Hummingbird

extension Router {
    /// `GET /metrics` in Prometheus' text format. `refresh` sets the gauges that mirror a
    /// daemon's state (tasks by state, queue depths) just before they are written.
    public func addMetrics(_ metrics: MetricsRegistry, refresh: @escaping @Sendable () async -> Void) {
        get("/metrics") { _, _ in
            await refresh()
            return metrics.response()
        }
    }
}

extension MetricsRegistry {
    /// Every metric as the answer to `GET /metrics`.
    public func response() -> Response {
        Response(
            status: .ok, headers: [.contentType: Self.contentType],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: exposition())))
    }
}
