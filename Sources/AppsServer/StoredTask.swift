import AppsCore
import ClusterEdge
import ClusterProtocol

/// A task as Apps keeps it in Keeper: everything a new leader needs to go on with it.
struct StoredTask: Codable {
    var id: String
    var appId: String
    var version: Int64
    var configVersion: Int64
    var agentId: String
    var hostname: String
    var attributes: [String: String]
    var hostPorts: [Int]
    var state: Mesos.TaskState?
    var stagedAt: Int64
    var startedAt: Int64?
    var unreachableSince: Int64?
    var kill: AppTask.Kill?
    var agentHealthy: Bool?
    var health: [Health]

    struct Health: Codable {
        var alive: Bool
        var consecutiveFailures: Int
        var firstSuccess: Int64?
        var lastSuccess: Int64?
        var lastFailure: Int64?
        var lastFailureCause: String?
    }

    init(_ task: AppTask) {
        id = task.id
        appId = task.appID.description
        version = task.version
        configVersion = task.configVersion
        agentId = task.agentID
        hostname = task.place.hostname
        attributes = task.place.attributes
        hostPorts = task.hostPorts
        state = task.state
        stagedAt = task.stagedAt
        startedAt = task.startedAt
        unreachableSince = task.unreachableSince
        kill = task.kill
        agentHealthy = task.agentHealthy
        health = task.health.map {
            Health(
                alive: $0.alive, consecutiveFailures: $0.consecutiveFailures, firstSuccess: $0.firstSuccess,
                lastSuccess: $0.lastSuccess, lastFailure: $0.lastFailure, lastFailureCause: $0.lastFailureCause)
        }
    }

    /// The task; the scheduler that recovers it sets its timers.
    var task: AppTask {
        var task = AppTask(
            id: id, appID: AppID(appId), version: version, configVersion: configVersion, agentID: agentId,
            place: AgentPlace(hostname: hostname, attributes: attributes), hostPorts: hostPorts, stagedAt: stagedAt)
        task.state = state
        task.startedAt = startedAt
        task.unreachableSince = unreachableSince
        task.kill = kill
        task.agentHealthy = agentHealthy
        task.health = health.map {
            var result = HealthResult(nextProbeAt: 0)
            result.alive = $0.alive
            result.consecutiveFailures = $0.consecutiveFailures
            result.firstSuccess = $0.firstSuccess
            result.lastSuccess = $0.lastSuccess
            result.lastFailure = $0.lastFailure
            result.lastFailureCause = $0.lastFailureCause
            return result
        }
        return task
    }
}
