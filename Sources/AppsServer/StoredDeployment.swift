import AppsCore
import ClusterEdge

/// A deployment as Apps keeps it in Keeper: its plan, its step, and the app definitions
/// before and after (as `StoredApp` JSON; null for an app it creates or deletes).
enum StoredDeployment {
    static func encode(_ deployment: Deployment) -> [UInt8] {
        func definitions(_ apps: [AppID: AppDefinition?]) -> JSONValue {
            .object(
                apps.sorted { $0.key < $1.key }.map {
                    ($0.key.description, $0.value.map { .object(AppJSON.definition($0)) } ?? .null)
                })
        }
        let steps: JSONValue = .array(
            deployment.steps.map { step in
                .array(
                    step.map { .object([("action", .string($0.kind.rawValue)), ("app", .string($0.app.description))]) })
            })
        return JSONValue.object([
            ("id", .string(deployment.id)), ("version", .int(deployment.version)), ("steps", steps),
            ("currentStep", .int(Int64(deployment.currentStep))), ("original", definitions(deployment.original)),
            ("target", definitions(deployment.target)),
        ]).serialized
    }

    private struct Stored: Decodable {
        var id: String
        var version: Int64
        var steps: [[Action]]
        var currentStep: Int
        var original: [String: AppUpdate?]
        var target: [String: AppUpdate?]

        struct Action: Decodable {
            var action: String
            var app: String
        }
    }

    static func decode(_ bytes: [UInt8]) throws(MarathonError) -> Deployment {
        let stored = try RequestBody.decode(Stored.self, from: bytes)
        var steps: [[Deployment.Action]] = []
        for step in stored.steps {
            var actions: [Deployment.Action] = []
            for action in step {
                guard let kind = Deployment.Action.Kind(rawValue: action.action) else {
                    throw MarathonError.badRequest("deployment \(stored.id): unknown action \(action.action)")
                }
                actions.append(Deployment.Action(kind, AppID(action.app)))
            }
            steps.append(actions)
        }
        var deployment = Deployment(
            id: stored.id, version: stored.version, steps: steps, original: try definitions(stored.original),
            target: try definitions(stored.target))
        deployment.currentStep = stored.currentStep
        return deployment
    }

    private static func definitions(_ stored: [String: AppUpdate?]) throws(MarathonError) -> [AppID: AppDefinition?] {
        var apps: [AppID: AppDefinition?] = [:]
        for (id, update) in stored {
            if let update {
                apps[AppID(id)] = .some(try StoredApp.definition(from: update))
            } else {
                apps[AppID(id)] = .some(nil)
            }
        }
        return apps
    }
}
