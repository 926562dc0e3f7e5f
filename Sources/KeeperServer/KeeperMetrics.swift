import CoreMetrics
import CorralMetrics
import KeeperNode
import NIOConcurrencyHelpers
import Zab

/// A Keeper server's `GET /metrics`, under the names ZooKeeper 3.6+'s Prometheus provider
/// uses (`znode_count`, `fsynctime`, `readlatency`, …), so dashboards and alerts written
/// for ZooKeeper read it. Latencies are in milliseconds, as ZooKeeper's are; ZooKeeper
/// exports them as summaries, Keeper as histograms (`_bucket`, `_sum`, `_count` — the
/// `_sum` and `_count` series are the same); counters end in `_total`, as Prometheus'
/// Java client writes them (`looking_count_total`). What ZooKeeper has no name for is
/// `corral_keeper_*`: the server's mode, its zxid and epoch, each follower's lag.
public final class KeeperMetrics: Sendable {
    public let registry = MetricsRegistry()
    let readLatency: Recorder
    let updateLatency: Recorder
    /// One batch of appends written to the log and synced (write and fdatasync), on the log
    /// thread; batches that install a snapshot or only truncate are not counted.
    let fsyncTime: Recorder
    let snapshotTime: Recorder
    /// On the leader: a transaction proposed (handed to its log) until applied, committed.
    let proposalLatency: Recorder
    /// On a follower: a proposal received until its commit is applied.
    let commitPropagationLatency: Recorder
    /// From entering LOOKING until following or leading.
    let electionTime: Recorder
    let lookingCount: CoreMetrics.Counter
    let samplesDropped: CoreMetrics.Counter
    private let followersReported = NIOLockedValueBox<Set<PeerID>>([])

    public init() {
        readLatency = registry.histogram("readlatency")
        updateLatency = registry.histogram("updatelatency")
        fsyncTime = registry.histogram("fsynctime")
        snapshotTime = registry.histogram("snapshottime")
        proposalLatency = registry.histogram("proposal_latency")
        commitPropagationLatency = registry.histogram("commit_propagation_latency")
        electionTime = registry.histogram("election_time")
        lookingCount = registry.counter("looking_count_total")
        samplesDropped = registry.counter("corral_keeper_latency_samples_dropped_total")
    }

    func record(_ samples: LatencySamples) {
        for latency in samples.reads { readLatency.record(latency) }
        for latency in samples.updates { updateLatency.record(latency) }
        if samples.dropped > 0 { samplesDropped.increment(by: Int64(samples.dropped)) }
    }

    /// Sets the gauges from the node's status; `uptime` in milliseconds.
    func refresh(_ status: NodeStatus, uptime: Int64, quorumSize: Int) {
        let c = status.counters
        let values: [(String, Double)] = [
            ("znode_count", Double(status.nodeCount)),
            ("watch_count", Double(status.watchCount)),
            ("ephemerals_count", Double(status.ephemeralCount)),
            ("approximate_data_size", Double(status.approximateDataSize)),
            ("outstanding_requests", Double(status.outstandingRequests)),
            ("num_alive_connections", Double(status.connections.count)),
            ("global_sessions", Double(status.sessionCount)),
            ("packets_received", Double(c.received)),
            ("packets_sent", Double(c.sent)),
            ("auth_failed_count", Double(c.authFailures)),
            ("min_latency", Double(c.minLatency)),
            ("avg_latency", c.averageLatency),
            ("max_latency", Double(c.maxLatency)),
            ("uptime", Double(uptime)),
            ("quorum_size", Double(quorumSize)),
            ("learners", Double(status.followers.count)),
            ("synced_followers", Double(status.followers.filter(\.synced).count)),
            ("corral_keeper_zxid", Double(status.zxid)),
            ("corral_keeper_epoch", Double(status.epoch)),
            ("corral_keeper_serving", status.serving ? 1 : 0),
        ]
        for (name, value) in values { registry.gauge(name).record(value) }
        for mode in ["standalone", "leader", "follower", "looking"] {
            registry.gauge("corral_keeper_mode", [("mode", mode)]).record(status.mode == mode ? 1.0 : 0.0)
        }
        // A follower no longer connected to this leader reports 0 (its series stays).
        let reported = Set(status.followers.map(\.id))
        for gone in followersReported.withLockedValue({ seen in
            defer { seen = reported }
            return seen.subtracting(reported)
        }) {
            registry.gauge("corral_keeper_follower_lag", [("server", String(gone))]).record(0.0)
        }
        for follower in status.followers {
            registry.gauge("corral_keeper_follower_lag", [("server", String(follower.id))])
                .record(Double(follower.behind))
        }
    }
}
