import ClusterProtocol

/// The Apps service's scheduler as a pure state machine: Marathon's core, minus the
/// network. It keeps each app's declared instances running on offers from the master,
/// replaces what fails (with launch back-off), rolls out changes as deployments, and
/// tracks health; each `step` returns the reply to a user's request, and actions for the
/// edge (scheduler calls, Keeper writes, events, health probes).
///
/// It reads no clock: `now` is the edge's wall-clock milliseconds since the Unix epoch,
/// made monotonic by the edge.
public struct AppsScheduler: Sendable {
    public let config: AppsConfig
    public internal(set) var apps: [AppID: AppDefinition] = [:]
    public internal(set) var tasks: [String: AppTask] = [:]
    public internal(set) var deployments: [String: Deployment] = [:]
    public internal(set) var delays: [AppID: LaunchDelay] = [:]
    public internal(set) var offerStats: [AppID: OfferStats] = [:]
    public internal(set) var lastTaskFailures: [AppID: TaskFailure] = [:]
    /// The agents' totals, as the edge last heard them; empty until it has.
    public internal(set) var agentCapacities: [AgentCapacity] = []
    public internal(set) var frameworkID: String?
    /// True while subscribed: calls can go out.
    public internal(set) var isSubscribed = false
    /// Tasks each app still needs launched, as its plan last said.
    public internal(set) var pendingLaunches: [AppID: Int] = [:]
    /// The master was told to stop sending offers (SUPPRESS) and not told otherwise since.
    var isSuppressed = false
    var nextTaskNumber = 0
    var nextDeploymentNumber = 0
    var lastVersion: Int64 = 0
    var nextReconcileAt: Int64
    var now: Int64
    var outbox: [AppsAction] = []

    /// A scheduler that starts leading with the state its predecessors left in Keeper.
    public init(config: AppsConfig, now: Int64, state: AppsState = AppsState()) {
        self.config = config
        self.now = now
        self.nextReconcileAt = now + config.reconcileInterval
        self.frameworkID = state.frameworkID
        for app in state.apps { apps[app.id] = app }
        // A recovered task's kill is sent again and its probes run at once: the last
        // leader's timers died with it.
        for var task in state.tasks {
            if task.kill != nil { task.killSentAt = now }
            for index in task.health.indices { task.health[index].nextProbeAt = now }
            tasks[task.id] = task
        }
        for deployment in state.deployments { deployments[deployment.id] = deployment }
        lastVersion = max(apps.values.map(\.version).max() ?? 0, deployments.values.map(\.version).max() ?? 0)
    }

    /// Takes one input at time `now` (never earlier than the last step's).
    public mutating func step(_ input: AppsInput, now: Int64) -> (reply: AppsReply, actions: [AppsAction]) {
        precondition(now >= self.now, "time went back from \(self.now) to \(now)")
        self.now = now
        outbox = []
        var reply = AppsReply.none
        switch input {
        case .subscribed(let id): onSubscribed(id)
        case .disconnected: isSubscribed = false
        case .offers(let offers): onOffers(offers)
        case .rescinded: break
        case .update(let status): onUpdate(status)
        case .probed(let taskID, let check, let result): onProbed(taskID, check: check, result: result)
        case .request(let request): reply = onRequest(request)
        case .agentCapacities(let agents): agentCapacities = agents
        case .tick: onTick()
        }
        converge()
        let actions = outbox
        outbox = []
        return (reply, actions)
    }

    /// When the next timer falls due: the edge ticks then (or sooner). Only deadlines a
    /// tick acts on count (a deadline nothing moves would keep the edge ticking at once).
    public var nextWakeup: Int64 {
        var wakeup = nextReconcileAt
        for delay in delays.values where delay.until > now { wakeup = min(wakeup, delay.until) }
        for task in tasks.values { wakeup = min(wakeup, nextDeadline(of: task)) }
        return max(wakeup, now)
    }

    /// The next deadline `onTick` acts on for `task`, or `Int64.max`.
    private func nextDeadline(of task: AppTask) -> Int64 {
        var deadline = Int64.max
        if let sent = task.killSentAt { deadline = min(deadline, sent + config.killRetryInterval) }
        if task.kill == nil, !task.isRunning, task.unreachableSince == nil, !task.isTerminal {
            deadline = min(deadline, task.stagedAt + config.taskLaunchTimeout)
        }
        guard let app = apps[task.appID] else { return deadline }
        if task.isRunning, app.lastConfigChangeAt == task.configVersion {
            for result in task.health { deadline = min(deadline, result.nextProbeAt) }
        }
        if let since = task.unreachableSince {
            switch app.unreachableStrategy {
            case .disabled: deadline = now
            case .enabled(let inactive, let expunge):
                // Past the inactive time the task no longer counts; the expunge is acted on.
                let inactiveAt = since + Int64(inactive) * 1000
                if inactiveAt > now { deadline = min(deadline, inactiveAt) }
                deadline = min(deadline, since + Int64(expunge) * 1000)
            }
        }
        return deadline
    }

    mutating func emit(_ action: AppsAction) { outbox.append(action) }

    mutating func store(_ operation: AppsStoreOperation) { outbox.append(.store(operation)) }

    mutating func publish(_ event: AppsEvent) { outbox.append(.publish(event)) }

    mutating func log(_ line: String) { outbox.append(.log(line)) }

    /// A version stamp for a change made now, later than every stamp before it.
    mutating func newVersion() -> Int64 {
        lastVersion = max(now, lastVersion + 1)
        return lastVersion
    }

    /// A task id no leader made before: `<app path with _>.<term prefix>-<number>`.
    mutating func newTaskID(for app: AppID) -> String {
        nextTaskNumber += 1
        return app.taskPrefix + "." + config.idPrefix + "-" + String(nextTaskNumber)
    }

    /// The tasks of `app`, oldest first.
    func tasks(of app: AppID) -> [AppTask] {
        tasks.values.filter { $0.appID == app }.sorted { ($0.stagedAt, $0.id) < ($1.stagedAt, $1.id) }
    }
}

/// What a new leader reads from Keeper.
public struct AppsState: Sendable {
    public var frameworkID: String?
    public var apps: [AppDefinition] = []
    public var tasks: [AppTask] = []
    public var deployments: [Deployment] = []

    public init(
        frameworkID: String? = nil, apps: [AppDefinition] = [], tasks: [AppTask] = [],
        deployments: [Deployment] = []
    ) {
        self.frameworkID = frameworkID
        self.apps = apps
        self.tasks = tasks
        self.deployments = deployments
    }
}

/// The last task of an app that ended other than by Apps' kill (Marathon's lastTaskFailure).
public struct TaskFailure: Sendable, Equatable {
    public var taskID: String
    public var state: Mesos.TaskState
    public var message: String
    public var host: String
    public var agentID: String
    public var version: Int64
    public var timestamp: Int64
}
