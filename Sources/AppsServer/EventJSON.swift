import AppsCore
import ClusterEdge
import UTCTime

/// Apps' events as Marathon's event bus writes them on `/v2/events`: each with its
/// `eventType` and `timestamp`, and only types the marathon client knows.
enum EventJSON {
    /// The event's type and its JSON, stamped `now`.
    static func encode(_ event: AppsEvent, now: Int64) -> (type: String, json: JSONValue) {
        let (type, members) = body(event)
        return (type, .object(members + [("eventType", .string(type)), ("timestamp", .string(Timestamp.format(now)))]))
    }

    /// `event_stream_attached`, sent first to each new subscriber.
    static func attached(remoteAddress: String, now: Int64) -> JSONValue {
        .object([
            ("remoteAddress", .string(remoteAddress)), ("eventType", "event_stream_attached"),
            ("timestamp", .string(Timestamp.format(now))),
        ])
    }

    private static func body(_ event: AppsEvent) -> (String, [(String, JSONValue)]) {
        switch event {
        case .statusUpdate(let task, let status):
            return (
                "status_update_event",
                [
                    ("slaveId", .string(task.agentID)), ("taskId", .string(task.id)),
                    ("taskStatus", .string(status.state.rawValue)), ("message", .string(status.message ?? "")),
                    ("appId", .string(task.appID.description)), ("host", .string(task.place.hostname)),
                    ("ipAddresses", .array([])), ("ports", .array(task.hostPorts.map { .int(Int64($0)) })),
                    ("version", .string(Timestamp.format(task.version))),
                ]
            )
        case .deploymentInfo(let deployment):
            return (
                "deployment_info",
                [("plan", DeploymentJSON.plan(deployment)), ("currentStep", DeploymentJSON.currentStep(deployment))]
            )
        case .deploymentStepSuccess(let deployment):
            return (
                "deployment_step_success",
                [("plan", DeploymentJSON.plan(deployment)), ("currentStep", DeploymentJSON.currentStep(deployment))]
            )
        case .deploymentSuccess(let deployment):
            return ("deployment_success", [("id", .string(deployment.id)), ("plan", DeploymentJSON.plan(deployment))])
        case .deploymentFailed(let deployment):
            return ("deployment_failed", [("id", .string(deployment.id)), ("plan", DeploymentJSON.plan(deployment))])
        case .healthStatusChanged(let task, let alive):
            return (
                "health_status_changed_event",
                [
                    ("appId", .string(task.appID.description)), ("instanceId", .string(task.id)),
                    ("taskId", .string(task.id)), ("version", .string(Timestamp.format(task.version))),
                    ("alive", .bool(alive)),
                ]
            )
        case .failedHealthCheck(let task, let check):
            return (
                "failed_health_check_event",
                [
                    ("appId", .string(task.appID.description)), ("taskId", .string(task.id)),
                    ("instanceId", .string(task.id)), ("healthCheck", AppJSON.healthCheck(check)),
                ]
            )
        case .unhealthyTaskKill(let task, let reason):
            return (
                "unhealthy_instance_kill_event",
                [
                    ("appId", .string(task.appID.description)), ("taskId", .string(task.id)),
                    ("instanceId", .string(task.id)), ("version", .string(Timestamp.format(task.version))),
                    ("reason", .string(reason)), ("host", .string(task.place.hostname)),
                    ("slaveId", .string(task.agentID)),
                ]
            )
        case .appTerminated(let id):
            return ("app_terminated_event", [("appId", .string(id.description))])
        }
    }
}
