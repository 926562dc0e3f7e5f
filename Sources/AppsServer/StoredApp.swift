import AppsCore
import ClusterEdge
import UTCTime

/// An app definition as Apps keeps it in Keeper: the JSON `GET /v2/apps/{id}` shows
/// (without counts or tasks), read back through the same `AppUpdate` a user's JSON goes
/// through, so one format serves both.
enum StoredApp {
    static func encode(_ app: AppDefinition) -> [UInt8] { JSONValue.object(AppJSON.definition(app)).serialized }

    static func decode(_ bytes: [UInt8]) throws(MarathonError) -> AppDefinition {
        try definition(from: RequestBody.decode(AppUpdate.self, from: bytes))
    }

    static func definition(from update: AppUpdate) throws(MarathonError) -> AppDefinition {
        var (app, problems) = AppDefinition(id: AppID(update.id ?? "")).applying(update)
        let problem = (problems + app.problems).first
        guard problem == nil, let version = update.version.flatMap(Timestamp.parse),
            let scaling = update.versionInfo?.lastScalingAt.flatMap(Timestamp.parse),
            let config = update.versionInfo?.lastConfigChangeAt.flatMap(Timestamp.parse)
        else {
            throw MarathonError.badRequest(
                "stored app \(update.id ?? "?") is not valid: \(problem.map { "\($0.path): \($0.errors)" } ?? "no version")"
            )
        }
        app.version = version
        app.lastScalingAt = scaling
        app.lastConfigChangeAt = config
        return app
    }
}
