import AppsCore
import ClusterEdge
import HTTPTypes
import Hummingbird
import UTCTime

/// `/v2/apps` and everything under an app: the app itself, its restart, tasks and
/// versions. The app's id is every segment before a known suffix.
struct AppsEndpoint {
    let host: AppsHost
    let bodyLimit: Int

    func handle(_ api: inout APIRequest, _ rest: [String]) async throws -> Response {
        if rest.isEmpty {
            if api.method == .put || api.method == .patch {
                throw MarathonError(
                    status: 405,
                    body: .object([
                        ("message", "Apps changes apps one at a time: PUT or PATCH /v2/apps/{id} for each")
                    ]))
            }
            try APIRequest.require(api, .get, .post)
            return api.method == .get ? try await list(api) : try await create(&api)
        }
        let count = rest.count
        if rest[count - 1] == "restart", count > 1 {
            try APIRequest.require(api, .post)
            let id = AppID(segments: Array(rest.dropLast()))
            try api.permit(.update, id)
            return try await restart(api, id)
        }
        if rest[count - 1] == "tasks", count > 1 {
            let tasks = AppTasksEndpoint(host: host, app: AppID(segments: Array(rest.dropLast())))
            return try await tasks.handle(api, taskID: nil)
        }
        if count > 2, rest[count - 2] == "tasks" {
            let tasks = AppTasksEndpoint(host: host, app: AppID(segments: Array(rest.dropLast(2))))
            return try await tasks.handle(api, taskID: rest[count - 1])
        }
        if rest[count - 1] == "versions", count > 1 {
            try APIRequest.require(api, .get)
            let id = AppID(segments: Array(rest.dropLast()))
            try api.permit(.view, id)
            return try await versions(id)
        }
        if count > 2, rest[count - 2] == "versions" {
            try APIRequest.require(api, .get)
            let id = AppID(segments: Array(rest.dropLast(2)))
            try api.permit(.view, id)
            return try await version(id, rest[count - 1])
        }
        let id = AppID(segments: rest)
        switch api.method {
        case .get:
            try api.permit(.view, id)
            return try await show(id)
        case .put, .patch: return try await change(&api, id)
        case .delete:
            try api.permit(.delete, id)
            return try await delete(api, id)
        default:
            try APIRequest.require(api, .get, .put, .patch, .delete)
            return try await show(id)
        }
    }

    /// `GET /v2/apps`: every app, with counts and deployments, filtered by `cmd`, `id`
    /// (both substrings) and `label` (a selector).
    private func list(_ api: APIRequest) async throws -> Response {
        let scheduler = try await host.snapshot(seenBy: api)
        let info = AppInfoJSON(scheduler: scheduler)
        let embed = AppInfoJSON.Embeds(api.values("embed")).union([.counts, .deployments])
        let selector = try api.value("label").map { try LabelSelector(parsing: $0) }
        let cmd = api.value("cmd")
        let id = api.value("id")
        let apps = scheduler.apps.values.sorted { $0.id < $1.id }.filter { app in
            (cmd.map { app.cmd?.contains($0) ?? false } ?? true)
                && (id.map { app.id.description.contains($0) } ?? true)
                && (selector?.matches(app.labels) ?? true)
        }
        return APIReply.json(.object([("apps", .array(apps.map { info.app($0, embed: embed) }))]))
    }

    /// `POST /v2/apps`: 201 with the app itself, as the marathon client requires.
    private func create(_ api: inout APIRequest) async throws -> Response {
        let update = try RequestBody.decode(AppUpdate.self, from: try await api.body(limit: bodyLimit))
        try api.permit(.create, AppID(update.id ?? ""))
        let reply = try APIReply.reply(await host.request(.create(update)))
        guard case .deployment(let deploymentID, _, _) = reply else { return APIReply.json(.object([])) }
        let id = AppID(update.id ?? "")
        // Created: should this instance step down before the app is read back, the answer
        // still says so, with what is known.
        let scheduler = try? await host.snapshot()
        let body =
            scheduler.flatMap { scheduler in
                scheduler.apps[id].map { AppInfoJSON(scheduler: scheduler).app($0, embed: [.counts, .deployments]) }
            }
            ?? .object([
                ("id", .string(id.description)), ("deployments", .array([.object([("id", .string(deploymentID))])])),
            ])
        return APIReply.json(
            body, status: .created,
            headers: [.location: "/v2/apps\(id)", APIReply.deploymentIDHeader: deploymentID])
    }

    private func show(_ id: AppID) async throws -> Response {
        let scheduler = try await host.snapshot()
        guard let app = scheduler.apps[id] else { throw MarathonError.notFound("App '\(id)' does not exist") }
        let embed: AppInfoJSON.Embeds = [.counts, .tasks, .lastTaskFailure, .deployments]
        return APIReply.json(.object([("app", AppInfoJSON(scheduler: scheduler).app(app, embed: embed))]))
    }

    /// `PUT` (creates a missing app) and `PATCH`: a partial update, or with only a
    /// `version` a rollback to that stored definition.
    private func change(_ api: inout APIRequest, _ id: AppID) async throws -> Response {
        let force = try flag(api, "force", default: false)
        let body = try await api.body(limit: bodyLimit)
        var update = try RequestBody.decode(AppUpdate.self, from: body)
        let keys = try RequestBody.decode(JSONKeys.self, from: body).keys
        let exists = try await host.snapshot().apps[id] != nil
        try api.permit(exists || api.method == .patch ? .update : .create, id)
        if api.method == .patch, !exists { throw MarathonError.notFound("App '\(id)' does not exist") }
        let request: AppsRequest
        if let version = update.version, keys.isSubset(of: ["id", "version"]) {
            request = .rollback(try await definition(id, version), force: force)
        } else {
            update.id = id.description
            request = .update(id, update, force: force)
        }
        guard
            case .deployment(let deploymentID, let version, let created) = try APIReply.reply(
                await host.request(request))
        else { return APIReply.json(.object([])) }
        return APIReply.deployment(id: deploymentID, version: version, location: created ? "/v2/apps\(id)" : nil)
    }

    /// `DELETE`: `force` defaults to true, as in Marathon.
    private func delete(_ api: APIRequest, _ id: AppID) async throws -> Response {
        let force = try flag(api, "force", default: true)
        return try deploymentAnswer(await host.request(.delete(id, force: force)))
    }

    private func restart(_ api: APIRequest, _ id: AppID) async throws -> Response {
        let force = try flag(api, "force", default: false)
        return try deploymentAnswer(await host.request(.restart(id, force: force)))
    }

    private func versions(_ id: AppID) async throws -> Response {
        guard try await host.snapshot().apps[id] != nil, let store = await host.store else {
            throw MarathonError.notFound("App '\(id)' does not exist")
        }
        let versions = await store.versions(of: id).reversed().map { JSONValue.string(Timestamp.format($0)) }
        return APIReply.json(.object([("versions", .array(Array(versions)))]))
    }

    private func version(_ id: AppID, _ text: String) async throws -> Response {
        APIReply.json(.object(AppJSON.definition(try await definition(id, text))))
    }

    /// The definition of `id` stored as `version` (a timestamp), or 404.
    private func definition(_ id: AppID, _ version: String) async throws -> AppDefinition {
        guard let stamp = Timestamp.parse(version), let store = await host.store,
            let app = try await store.definition(id, version: stamp)
        else { throw MarathonError.notFound("App '\(id)' does not exist in version \(version)") }
        return app
    }

    private func deploymentAnswer(_ outcome: AppsHost.Outcome) throws -> Response {
        guard case .deployment(let id, let version, _) = try APIReply.reply(outcome) else {
            return APIReply.json(.object([]))
        }
        return APIReply.deployment(id: id, version: version)
    }
}

/// A boolean query parameter, or 400 naming it.
func flag(_ api: APIRequest, _ name: String, default fallback: Bool) throws(MarathonError) -> Bool {
    guard let value = api.flag(name, default: fallback) else {
        throw .badRequest("Query parameter '\(name)' must be true or false, not '\(api.value(name) ?? "")'")
    }
    return value
}

/// The keys of a JSON object, to tell a rollback (`{"version": …}`) from an update.
struct JSONKeys: Decodable {
    var keys: Set<String>

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: AnyKey.self)
        keys = Set(container.allKeys.map(\.stringValue))
    }

    private struct AnyKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }
}
