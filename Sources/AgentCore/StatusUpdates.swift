import ClusterProtocol

/// The agent's status update manager (Mesos' `TaskStatusUpdateManager`): each task's
/// updates wait in order; the oldest is sent to the master and sent again, with back-off,
/// until the framework's acknowledgement comes back with its uuid; then the next goes.
public struct StatusUpdates: Sendable {
    /// One task's waiting updates, oldest first, and when the oldest goes out again.
    struct Stream: Sendable {
        var frameworkID: Mesos.FrameworkID
        var pending: [Mesos.TaskStatus]
        var nextRetryAt: Int64?
        var backoff: Int64
    }

    let retryMin: Int64
    let retryMax: Int64
    private(set) var streams: [TaskKey: Stream] = [:]
    /// Updates sent again because no acknowledgement came in time, since the agent started.
    public private(set) var retries = 0

    init(retryMin: Int64, retryMax: Int64) {
        self.retryMin = retryMin
        self.retryMax = retryMax
    }

    /// How many updates wait for an acknowledgement, over every task.
    public var waitingCount: Int { streams.values.reduce(0) { $0 + $1.pending.count } }

    /// How many updates wait for `key`.
    public func pendingCount(_ key: TaskKey) -> Int { streams[key]?.pending.count ?? 0 }

    /// The oldest update waiting for `key`: the next its framework hears.
    public func oldestPending(_ key: TaskKey) -> Mesos.TaskStatus? { streams[key]?.pending.first }

    /// All waiting updates, for the registration message.
    public var all: [(TaskKey, [Mesos.TaskStatus])] {
        streams.keys.sorted().map { ($0, streams[$0]!.pending) }
    }

    /// Adds an update; returns the call to send now if it is the only one waiting.
    mutating func add(_ status: Mesos.TaskStatus, for key: TaskKey, now: Int64, online: Bool) -> AgentCall.Update? {
        var stream =
            streams[key] ?? Stream(frameworkID: key.framework, pending: [], nextRetryAt: nil, backoff: retryMin)
        stream.pending.append(status)
        streams[key] = stream
        guard stream.pending.count == 1 else { return nil }
        return online ? send(key, now: now) : nil
    }

    /// The acknowledgement for `uuid` came: the oldest update goes, and the next one (if
    /// any) is returned to send. Nil as well for a uuid that is not the oldest's.
    mutating func acknowledge(_ key: TaskKey, uuid: Mesos.Bytes, now: Int64, online: Bool) -> (
        matched: Bool, next: AgentCall.Update?
    ) {
        guard var stream = streams[key], stream.pending.first?.uuid == uuid else { return (false, nil) }
        stream.pending.removeFirst()
        stream.backoff = retryMin
        stream.nextRetryAt = nil
        if stream.pending.isEmpty {
            streams[key] = nil
            return (true, nil)
        }
        streams[key] = stream
        return (true, online ? send(key, now: now) : nil)
    }

    /// Updates whose retry is due (or all of them, `force`, after registering again).
    mutating func due(now: Int64, force: Bool) -> [AgentCall.Update] {
        var calls: [AgentCall.Update] = []
        for key in streams.keys.sorted() {
            guard force || (streams[key]!.nextRetryAt ?? .max) <= now else { continue }
            if !force {
                streams[key]!.backoff = min(streams[key]!.backoff * 2, retryMax)
                retries += 1
            }
            calls.append(send(key, now: now))
        }
        return calls
    }

    /// Takes back checkpointed updates (the agent restarted); they go out once it has
    /// registered again.
    mutating func restore(_ checkpointed: [PendingUpdates]) {
        for entry in checkpointed where !entry.statuses.isEmpty {
            streams[entry.task] = Stream(
                frameworkID: entry.task.framework, pending: entry.statuses, nextRetryAt: nil, backoff: retryMin)
        }
    }

    /// Drops a framework's updates (it was shut down).
    mutating func remove(framework: Mesos.FrameworkID) {
        streams = streams.filter { $0.key.framework != framework }
    }

    var nextRetryAt: Int64? { streams.values.compactMap(\.nextRetryAt).min() }

    private mutating func send(_ key: TaskKey, now: Int64) -> AgentCall.Update {
        let stream = streams[key]!
        streams[key]!.nextRetryAt = now + stream.backoff
        return AgentCall.Update(
            frameworkID: stream.frameworkID, status: stream.pending[0], latestState: stream.pending.last!.state)
    }
}
