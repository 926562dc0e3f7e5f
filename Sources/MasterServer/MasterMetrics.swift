import ClusterCore
import ClusterProtocol
import CoreMetrics
import CorralMetrics

/// The master's `GET /metrics`: HTTP requests (the middleware), allocation rounds as they
/// run, and at each scrape the figures `/metrics/snapshot` reports, the offers outstanding
/// and how far behind each kind of event stream's readers are. A standby reports
/// `corral_master_elected 0` and zero for the leader's figures.
public final class MasterMetrics: Sendable {
    public let registry = MetricsRegistry()
    /// One timer tick that ran an allocation round, start to end (the round is most of it).
    let allocation: CoreMetrics.Timer

    public init() {
        allocation = registry.timer("corral_master_allocation_duration_seconds")
    }

    /// What one scrape reads from the host.
    struct Reading {
        var figures: MasterFigures?
        var uptimeSeconds: Double
        var streams: [(kind: String, count: Int, waitingBytes: Int)]
    }

    func refresh(_ reading: Reading) {
        let figures = reading.figures
        set("corral_master_elected", figures == nil ? 0 : 1)
        set("corral_master_uptime_seconds", reading.uptimeSeconds)
        set("corral_master_agents", [("state", "connected")], figures?.agentsConnected)
        set("corral_master_agents", [("state", "disconnected")], figures?.agentsDisconnected)
        set("corral_master_frameworks", [("state", "connected")], figures?.frameworksConnected)
        set("corral_master_frameworks", [("state", "disconnected")], figures?.frameworksDisconnected)
        set("corral_master_frameworks_active", [], figures?.frameworksActive)
        set("corral_master_offers_outstanding", [], figures?.offersOutstanding)
        for state in Mesos.TaskState.allCases {
            set("corral_master_tasks", [("state", state.rawValue)], figures.map { $0.tasks[state] ?? 0 })
        }
        for name in MasterFigures.scalarNames {
            set("corral_master_resources", [("resource", name), ("kind", "total")], figures?.total.scalar(name))
            set("corral_master_resources", [("resource", name), ("kind", "used")], figures?.used.scalar(name))
            set("corral_master_resources", [("resource", name), ("kind", "offered")], figures?.offered.scalar(name))
        }
        for stream in reading.streams {
            set("corral_master_streams", [("kind", stream.kind)], stream.count)
            set("corral_master_stream_waiting_bytes", [("kind", stream.kind)], stream.waitingBytes)
        }
    }

    private func set(_ name: String, _ value: Double) {
        registry.gauge(name).record(value)
    }

    private func set(_ name: String, _ labels: [(String, String)], _ value: Int?) {
        registry.gauge(name, labels).record(Double(value ?? 0))
    }

    private func set(_ name: String, _ labels: [(String, String)], _ value: Scalar?) {
        registry.gauge(name, labels).record(value?.doubleValue ?? 0)
    }
}
