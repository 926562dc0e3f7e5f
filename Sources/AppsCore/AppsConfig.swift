/// How the Apps scheduler behaves: Marathon's flags where it has them.
public struct AppsConfig: Sendable {
    /// Unique to this leadership term (the edge makes a UUID): task ids made in this term
    /// carry it, so no two terms make the same id.
    public var idPrefix: String
    /// The framework's role: the role tasks run under unless their app names one.
    public var frameworkRole = "*"
    /// More roles the framework subscribes with (`corral apps --roles`), for apps of the
    /// top-level groups they name.
    public var groupRoles: [String] = []
    /// Where service ports (`portDefinitions[].port` 0) are picked from (`--local_port_min/max`).
    public var servicePorts = 10000...20000
    /// How often every task is reconciled with the master (`--reconciliation_interval`).
    public var reconcileInterval: Int64 = 600_000
    /// A task not yet running after this long is killed and replaced (`--task_launch_timeout`).
    public var taskLaunchTimeout: Int64 = 300_000
    /// How often a kill is sent again while the task lives (`--kill_retry_timeout`).
    public var killRetryInterval: Int64 = 10_000
    /// How long a declined offer's resources are not offered again (`--decline_offer_duration`).
    public var declineRefuseSeconds = 5.0
    /// Offers that went unused kept per app for `/v2/queue`'s `lastUnusedOffers`.
    public var unusedOffersKept = 10

    public init(idPrefix: String) { self.idPrefix = idPrefix }
}
