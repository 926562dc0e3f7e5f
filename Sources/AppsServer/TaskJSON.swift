import AppsCore
import ClusterEdge
import UTCTime

/// A task as Marathon 1.x writes it in `/v2/tasks`, `/v2/apps/{id}/tasks` and an app's
/// `tasks`.
enum TaskJSON {
    static func task(_ task: AppTask, servicePorts: [Int]) -> JSONValue {
        var members: [(String, JSONValue)] = [
            ("id", .string(task.id)), ("appId", .string(task.appID.description)),
            ("host", .string(task.place.hostname)),
            ("slaveId", .string(task.agentID)), ("state", .string((task.state ?? .staging).rawValue)),
            ("stagedAt", .string(Timestamp.format(task.stagedAt))),
        ]
        if let started = task.startedAt { members.append(("startedAt", .string(Timestamp.format(started)))) }
        members += [
            ("version", .string(Timestamp.format(task.version))),
            ("ports", .array(task.hostPorts.map { .int(Int64($0)) })),
            ("servicePorts", .array(servicePorts.map { .int(Int64($0)) })),
            ("ipAddresses", .array([])),
            ("healthCheckResults", .array(task.health.map { health($0, of: task) })),
            ("localVolumes", .array([])),
        ]
        return .object(members)
    }

    static func health(_ result: HealthResult, of task: AppTask) -> JSONValue {
        var members: [(String, JSONValue)] = [
            ("alive", .bool(result.alive)), ("consecutiveFailures", .int(Int64(result.consecutiveFailures))),
        ]
        if let at = result.firstSuccess { members.append(("firstSuccess", .string(Timestamp.format(at)))) }
        if let at = result.lastSuccess { members.append(("lastSuccess", .string(Timestamp.format(at)))) }
        if let at = result.lastFailure { members.append(("lastFailure", .string(Timestamp.format(at)))) }
        if let cause = result.lastFailureCause { members.append(("lastFailureCause", .string(cause))) }
        members.append(("instanceId", .string(task.id)))
        return .object(members)
    }
}
