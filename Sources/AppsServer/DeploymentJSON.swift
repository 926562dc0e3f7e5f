import AppsCore
import ClusterEdge
import UTCTime

/// A deployment as Marathon 1.x writes it: in `GET /v2/deployments`, and as the `plan` of
/// the deployment events.
enum DeploymentJSON {
    /// One entry of `GET /v2/deployments`.
    static func deployment(_ deployment: Deployment) -> JSONValue {
        .object([
            ("id", .string(deployment.id)), ("version", .string(Timestamp.format(deployment.version))),
            ("affectedApps", .array(deployment.affectedApps.map { .string($0.description) })),
            ("affectedPods", .array([])),
            ("steps", steps(deployment)),
            (
                "currentActions",
                .array(
                    deployment.currentActions.map {
                        .object([
                            ("action", .string($0.kind.rawValue)), ("app", .string($0.app.description)),
                            ("readinessCheckResults", .array([])),
                        ])
                    })
            ),
            ("currentStep", .int(Int64(deployment.currentStep))),
            ("totalSteps", .int(Int64(deployment.steps.count))),
        ])
    }

    /// The plan in deployment events: its steps, and the apps before and after as root
    /// groups (the marathon client requires both).
    static func plan(_ deployment: Deployment) -> JSONValue {
        let version = JSONValue.string(Timestamp.format(deployment.version))
        func group(_ apps: [AppID: AppDefinition?]) -> JSONValue {
            .object([
                ("id", "/"),
                (
                    "apps",
                    .array(
                        apps.sorted { $0.key < $1.key }.compactMap { $0.value.map { .object(AppJSON.definition($0)) } })
                ),
                ("groups", .array([])), ("dependencies", .array([])), ("version", version),
            ])
        }
        return .object([
            ("id", .string(deployment.id)), ("version", version), ("steps", steps(deployment)),
            ("original", group(deployment.original)), ("target", group(deployment.target)),
        ])
    }

    /// The actions of the step in progress, as `{"actions": […]}`.
    static func currentStep(_ deployment: Deployment) -> JSONValue {
        .object([("actions", .array(deployment.currentActions.map(action)))])
    }

    /// `{"deploymentId", "version"}`: what a change through the API answers.
    static func result(id: String, version: Int64) -> JSONValue {
        .object([("version", .string(Timestamp.format(version))), ("deploymentId", .string(id))])
    }

    private static func steps(_ deployment: Deployment) -> JSONValue {
        .array(deployment.steps.map { .object([("actions", .array($0.map(action)))]) })
    }

    private static func action(_ action: Deployment.Action) -> JSONValue {
        .object([("action", .string(action.kind.rawValue)), ("app", .string(action.app.description))])
    }
}
