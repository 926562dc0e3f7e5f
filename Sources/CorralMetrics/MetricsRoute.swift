import Hummingbird

extension Router {
    /// `GET /metrics` in Prometheus' text format. `refresh` sets the gauges that mirror a
    /// daemon's state (tasks by state, queue depths) just before they are written.
    public func addMetrics(_ metrics: MetricsRegistry, refresh: @escaping @Sendable () async -> Void) {
        get("/metrics") { _, _ in
            await refresh()
            return Response(
                status: .ok, headers: [.contentType: MetricsRegistry.contentType],
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: metrics.exposition())))
        }
    }
}
