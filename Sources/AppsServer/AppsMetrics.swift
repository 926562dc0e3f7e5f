import AppsCore
import CoreMetrics
import CorralMetrics

/// Apps' `GET /metrics` (each instance its own, never forwarded): HTTP requests by
/// endpoint, and at each scrape whether it leads, its apps, the instances they ask for,
/// their tasks staged, running, healthy and unhealthy, deployments running, launches
/// waiting for an offer or a back-off, and its queue depths: store-and-send batches,
/// calls to the master, event stream subscribers.
public final class AppsMetrics: Sendable {
    public let registry = MetricsRegistry()
    let requests: HTTPRequestMetrics

    public init() {
        requests = HTTPRequestMetrics(registry)
    }

    /// What one scrape reads from the host.
    struct Reading {
        var leading: Bool
        var apps = 0
        var instancesWanted = 0
        var tasks = TaskCounts()
        var deployments = 0
        var launchesWaiting = 0
        var delayedApps = 0
        var batchesQueued = 0
        var callsWaiting = 0
        var eventSubscribers = 0
    }

    func refresh(_ reading: Reading) {
        set("corral_apps_leader", reading.leading ? 1 : 0)
        set("corral_apps_apps", reading.apps)
        set("corral_apps_instances_wanted", reading.instancesWanted)
        set("corral_apps_tasks", reading.tasks.staged, state: "staged")
        set("corral_apps_tasks", reading.tasks.running, state: "running")
        set("corral_apps_tasks", reading.tasks.healthy, state: "healthy")
        set("corral_apps_tasks", reading.tasks.unhealthy, state: "unhealthy")
        set("corral_apps_deployments", reading.deployments)
        set("corral_apps_launches_waiting", reading.launchesWaiting)
        set("corral_apps_apps_delayed", reading.delayedApps)
        set("corral_apps_action_batches_queued", reading.batchesQueued)
        set("corral_apps_calls_waiting", reading.callsWaiting)
        set("corral_apps_event_subscribers", reading.eventSubscribers)
    }

    /// The route label of a request: `/ping`, `/metrics`, `/v2/apps`, … or `other`.
    static func route(_ segments: [String]) -> String {
        if segments == ["ping"] || segments == ["metrics"] { return "/" + segments[0] }
        guard segments.count >= 2, segments[0] == "v2", endpoints.contains(segments[1]) else { return "other" }
        return "/v2/" + segments[1]
    }

    static let endpoints: Set<String> = [
        "apps", "tasks", "deployments", "queue", "groups", "events", "info", "leader",
    ]

    private func set(_ name: String, _ value: Int, state: String? = nil) {
        registry.gauge(name, state.map { [("state", $0)] } ?? []).record(Double(value))
    }
}
