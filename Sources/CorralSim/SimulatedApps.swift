import AppsCore
import ClusterProtocol

/// The Apps service as the cluster simulation plays it: the real `AppsScheduler` core as
/// its leader (none between a kill and the next election), its state in a simulated
/// Keeper that takes each store operation in order, and one app whose instances, command
/// and upgrade strategy change now and then.
struct SimulatedApps {
    /// Its streams are `framework-99-N`: the master tells them from the schedulers' by index.
    static let index = 99
    static let app = AppID("/sim")

    var core: AppsScheduler?
    /// Leaders elected so far: each term's task ids carry it.
    var epoch = 0
    var stream: Int?
    var generations = 0
    var tickAt: Int64?
    /// What Keeper holds.
    var keeper = KeptState()
    /// The leader is killed once it has carried out this many more actions.
    var killAfterActions: Int?
    /// Every task id any leader launched, to check none is launched twice.
    var launched: Set<String> = []

    var streamID: StreamID? { stream.map { StreamID("framework-\(Self.index)-\($0)") } }

    /// Apps' state as Keeper holds it: every store operation taken, in order.
    struct KeptState {
        var frameworkID: String?
        var apps: [AppID: AppDefinition] = [:]
        var tasks: [String: AppTask] = [:]
        var deployments: [String: Deployment] = [:]

        mutating func apply(_ operation: AppsStoreOperation) {
            switch operation {
            case .putApp(let app): apps[app.id] = app
            case .removeApp(let id): apps[id] = nil
            case .putTask(let task): tasks[task.id] = task
            case .removeTask(let id): tasks[id] = nil
            case .putDeployment(let deployment): deployments[deployment.id] = deployment
            case .removeDeployment(let id): deployments[id] = nil
            case .putFrameworkID(let id): frameworkID = id
            }
        }

        /// What a new leader reads.
        var state: AppsState {
            AppsState(
                frameworkID: frameworkID, apps: apps.values.sorted { $0.id < $1.id },
                tasks: tasks.values.sorted { $0.id < $1.id }, deployments: deployments.values.sorted { $0.id < $1.id })
        }
    }

    /// The app as the simulation first deploys it.
    static func firstDefinition(instances: Int, random: inout SeededRandom) -> AppUpdate {
        var update = AppUpdate()
        update.id = app.description
        update.cmd = "serve 0"
        update.instances = instances
        update.cpus = 0.1
        update.mem = 16
        update.portDefinitions = []
        update.backoffSeconds = 0.2
        update.backoffFactor = 1.5
        update.maxLaunchDelaySeconds = 2
        update.upgradeStrategy = strategy(&random)
        if random.percent(50) {
            // Checked by the agent (a COMMAND check): a task counts only once it says healthy.
            var check = HealthCheck(protocol: .command)
            check.command = "check"
            check.delaySeconds = 0
            check.intervalSeconds = 2
            check.timeoutSeconds = 1
            check.gracePeriodSeconds = 1
            check.maxConsecutiveFailures = 2
            update.healthChecks = [check]
        }
        return update
    }

    static func strategy(_ random: inout SeededRandom) -> UpgradeStrategy {
        UpgradeStrategy(
            minimumHealthCapacity: random.pick([0, 0.5, 1]), maximumOverCapacity: random.pick([0, 0.5, 1]))
    }

    /// A user's change: a scale, a new command (a rolling restart), a restart.
    static func change(_ random: inout SeededRandom, version: Int) -> AppsRequest {
        let force = random.percent(30)
        switch random.below(3) {
        case 0:
            var update = AppUpdate()
            update.instances = random.between(0, 4)
            return .update(app, update, force: force)
        case 1:
            var update = AppUpdate()
            update.cmd = "serve \(version)"
            update.upgradeStrategy = strategy(&random)
            return .update(app, update, force: force)
        default:
            return .restart(app, force: force)
        }
    }
}
