import ClusterProtocol

/// One instance of an app: the task Apps launched for it and what it knows of it. Kept
/// in Keeper from before the launch, so a leader that takes over knows every task it or
/// its predecessors started.
public struct AppTask: Sendable, Equatable {
    public var id: String
    public var appID: AppID
    /// The app version it was launched with, and that version's last config change: a
    /// task runs the app's current config when `configVersion` matches the app's
    /// `lastConfigChangeAt`.
    public var version: Int64
    public var configVersion: Int64
    public var agentID: String
    public var place: AgentPlace
    public var hostPorts: [Int]
    /// The last state heard; nil until the first status update.
    public var state: Mesos.TaskState?
    public var stagedAt: Int64
    public var startedAt: Int64?
    /// When its agent became unreachable, while it is.
    public var unreachableSince: Int64?
    /// Why Apps wants it gone, once it asked the master to kill it.
    public var kill: Kill?
    /// When the last KILL for it went out; sent again every `killRetryInterval`.
    public var killSentAt: Int64?
    /// One result per health check of its app version, in order.
    public var health: [HealthResult] = []
    /// The agent's verdict for a COMMAND check (the status update's `healthy`).
    public var agentHealthy: Bool?

    public init(
        id: String, appID: AppID, version: Int64, configVersion: Int64, agentID: String, place: AgentPlace,
        hostPorts: [Int], stagedAt: Int64
    ) {
        self.id = id
        self.appID = appID
        self.version = version
        self.configVersion = configVersion
        self.agentID = agentID
        self.place = place
        self.hostPorts = hostPorts
        self.stagedAt = stagedAt
    }

    /// Why a task is being killed: it decides whether it is replaced.
    public enum Kill: String, Sendable, Equatable, Codable {
        /// Scaled down, app deleted, or replaced by a deployment: not replaced.
        case decommission
        /// Unhealthy, killed by a user without scaling, or expunged: replaced.
        case replace
    }

    public var isTerminal: Bool { state?.isTerminal ?? false }

    public var isRunning: Bool { state == .running }

    /// True while it counts toward its app's instances: not terminal, not being
    /// decommissioned, and not unreachable past the app's `inactiveAfterSeconds`.
    public func isActive(now: Int64, strategy: UnreachableStrategy) -> Bool {
        guard !isTerminal, kill != .decommission else { return false }
        guard let since = unreachableSince else { return true }
        switch strategy {
        case .disabled: return false
        case .enabled(let inactiveAfter, _): return now - since < Int64(inactiveAfter) * 1000
        }
    }

    /// True when it runs and passes its health checks: each of the `probed` checks Apps
    /// runs has passed (and not failed since), and the agent's COMMAND check, if
    /// `agentChecked`, says healthy.
    public func isHealthy(probed: Int, agentChecked: Bool) -> Bool {
        guard isRunning, unreachableSince == nil else { return false }
        if agentChecked, agentHealthy != true { return false }
        return health.count == probed && health.allSatisfy(\.alive)
    }
}

/// What Apps knows of one health check of one task (Marathon's healthCheckResults).
public struct HealthResult: Sendable, Equatable {
    public var alive = false
    public var consecutiveFailures = 0
    public var firstSuccess: Int64?
    public var lastSuccess: Int64?
    public var lastFailure: Int64?
    public var lastFailureCause: String?
    /// When the next probe is due.
    public var nextProbeAt: Int64

    public init(nextProbeAt: Int64) { self.nextProbeAt = nextProbeAt }
}
