import ClusterProtocol

/// What the Apps scheduler asks its edge to do, in order: a store operation is written
/// before any call or probe after it goes out (a task is in Keeper before it is launched),
/// and the store operations between two calls or probes are written atomically (one
/// multi, `units`), or a leader that dies between them leaves Keeper half a change (an
/// app's new version without the deployment that rolls it out, or a deployment forgotten
/// by a forced change without the change that forced it). The simulation kills leaders
/// between these units.
public enum AppsAction: Sendable, Equatable {
    case call(Mesos.SchedulerCall)
    case store(AppsStoreOperation)
    case publish(AppsEvent)
    case probe(HealthProbe)
    case log(String)
}

extension AppsAction {
    /// `actions` cut into what the edge carries out as one: each call and probe alone, and
    /// between them the store operations as one atomic write, with the events and log lines
    /// among them carried out after it (nothing announces a change Keeper may not keep).
    public static func units(_ actions: [AppsAction]) -> [Unit] {
        var units: [Unit] = []
        var current = Unit()
        for action in actions {
            switch action {
            case .store(let operation): current.stores.append(operation)
            case .publish, .log: current.after.append(action)
            case .call, .probe:
                if !current.isEmpty { units.append(current) }
                current = Unit()
                units.append(Unit(after: [action]))
            }
        }
        if !current.isEmpty { units.append(current) }
        return units
    }

    /// Store operations written as one, then other actions carried out in order.
    public struct Unit: Sendable, Equatable {
        public var stores: [AppsStoreOperation] = []
        public var after: [AppsAction] = []

        var isEmpty: Bool { stores.isEmpty && after.isEmpty }
    }
}

/// One change to Apps' state in Keeper.
public enum AppsStoreOperation: Sendable, Equatable {
    case putApp(AppDefinition)
    case removeApp(AppID)
    case putTask(AppTask)
    case removeTask(String)
    case putDeployment(Deployment)
    case removeDeployment(String)
    case putFrameworkID(String)
}

/// A health check to run once against a task, answered with `AppsInput.probed`.
public struct HealthProbe: Sendable, Equatable {
    public var taskID: String
    public var check: Int
    public var `protocol`: HealthCheckProtocol
    public var host: String
    public var port: Int
    public var path: String
    public var timeoutSeconds: Int
    public var ignoreHttp1xx: Bool

    public init(
        taskID: String, check: Int, protocol: HealthCheckProtocol, host: String, port: Int, path: String,
        timeoutSeconds: Int, ignoreHttp1xx: Bool
    ) {
        self.taskID = taskID
        self.check = check
        self.protocol = `protocol`
        self.host = host
        self.port = port
        self.path = path
        self.timeoutSeconds = timeoutSeconds
        self.ignoreHttp1xx = ignoreHttp1xx
    }
}

/// What happened, for `/v2/events` (Marathon's event bus).
public enum AppsEvent: Sendable, Equatable {
    case statusUpdate(AppTask, Mesos.TaskStatus)
    case deploymentInfo(Deployment)
    case deploymentStepSuccess(Deployment)
    case deploymentSuccess(Deployment)
    case deploymentFailed(Deployment)
    case healthStatusChanged(AppTask, alive: Bool)
    case failedHealthCheck(AppTask, check: HealthCheck)
    case unhealthyTaskKill(AppTask, reason: String)
    case appTerminated(AppID)
}

extension AppsEvent {
    /// The apps the event tells of: a subscriber sees it only if it may view them all.
    public var apps: [AppID] {
        switch self {
        case .statusUpdate(let task, _), .healthStatusChanged(let task, _), .failedHealthCheck(let task, _),
            .unhealthyTaskKill(let task, _):
            [task.appID]
        case .deploymentInfo(let deployment), .deploymentStepSuccess(let deployment),
            .deploymentSuccess(let deployment), .deploymentFailed(let deployment):
            deployment.affectedApps
        case .appTerminated(let id): [id]
        }
    }
}
