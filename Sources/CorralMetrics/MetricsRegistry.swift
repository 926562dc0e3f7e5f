import CoreMetrics
import Prometheus

/// One daemon's metrics, written in Prometheus' text format at `GET /metrics`.
///
/// Metrics are made through swift-metrics (`Counter`, `Timer`, `Recorder`, `Gauge`) with
/// this registry's factory passed explicitly: no process-wide bootstrap, so every master,
/// agent and Apps instance a test starts in one process keeps metrics of its own.
/// Names are fixed in the code that makes them; asking twice for one name and label set
/// returns the same series.
public final class MetricsRegistry: Sendable {
    public let prometheus: PrometheusCollectorRegistry
    public let factory: PrometheusMetricsFactory

    /// Bucket bounds for request latencies, in seconds: 0.5 ms to 10 s.
    public static let latencyBuckets: [Duration] = [
        .microseconds(500), .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10),
        .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500),
        .seconds(1), .seconds(2.5), .seconds(5), .seconds(10),
    ]

    /// Bucket bounds for latencies ZooKeeper reports in milliseconds (`fsynctime`,
    /// `readlatency`, `election_time`, …): 0 to 60 s.
    public static let millisecondBuckets: [Double] = [
        0, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 60000,
    ]

    public init() {
        prometheus = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: prometheus)
        factory.defaultDurationHistogramBuckets = Self.latencyBuckets
        factory.defaultValueHistogramBuckets = Self.millisecondBuckets
        self.factory = factory
    }

    public func counter(_ name: String, _ labels: [(String, String)] = []) -> CoreMetrics.Counter {
        CoreMetrics.Counter(label: name, dimensions: labels, factory: factory)
    }

    /// A histogram of durations, exported in seconds.
    public func timer(_ name: String, _ labels: [(String, String)] = []) -> CoreMetrics.Timer {
        CoreMetrics.Timer(label: name, dimensions: labels, factory: factory)
    }

    /// A histogram of values in the unit the name says (milliseconds for ZooKeeper's names).
    public func histogram(_ name: String, _ labels: [(String, String)] = []) -> CoreMetrics.Recorder {
        CoreMetrics.Recorder(label: name, dimensions: labels, aggregate: true, factory: factory)
    }

    public func gauge(_ name: String, _ labels: [(String, String)] = []) -> CoreMetrics.Gauge {
        CoreMetrics.Gauge(label: name, dimensions: labels, factory: factory)
    }

    /// Every metric in Prometheus' text exposition format (version 0.0.4).
    public func exposition() -> [UInt8] {
        var bytes: [UInt8] = []
        prometheus.emit(into: &bytes)
        return bytes
    }

    /// The content type Prometheus expects for `exposition()`.
    public static let contentType = "text/plain; version=0.0.4; charset=utf-8"
}
