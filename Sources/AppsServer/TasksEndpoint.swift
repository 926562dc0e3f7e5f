import AppsCore
import ClusterEdge
import HTTPTypes
import Hummingbird

/// `GET /v2/tasks` (every app's tasks, `status=running|staging` to filter) and
/// `POST /v2/tasks/delete` (`{"ids": […]}`, with `scale`, `wipe` and `force`).
struct TasksEndpoint {
    let host: AppsHost
    let bodyLimit: Int

    private struct KillBody: Decodable {
        var ids: [String]
    }

    func handle(_ api: inout APIRequest, _ rest: [String]) async throws -> Response {
        switch rest {
        case []:
            try APIRequest.require(api, .get)
            return try await list(api)
        case ["delete"]:
            try APIRequest.require(api, .post)
            return try await kill(&api)
        default: throw MarathonError.notFound("URI not found: \(api.request.uri.path)")
        }
    }

    private func list(_ api: APIRequest) async throws -> Response {
        let scheduler = try await host.snapshot(seenBy: api)
        let info = AppInfoJSON(scheduler: scheduler)
        let states = Set(api.values("status").compactMap(Self.state))
        var tasks: [JSONValue] = []
        for app in scheduler.apps.values.sorted(by: { $0.id < $1.id }) {
            for task in info.tasks(of: app.id) where states.isEmpty || states.contains(task.isRunning) {
                tasks.append(TaskJSON.task(task, servicePorts: info.servicePorts(app)))
            }
        }
        return APIReply.json(.object([("tasks", .array(tasks))]))
    }

    /// `running` → true, `staging` → false; other values filter nothing, as in Marathon.
    private static func state(_ text: String) -> Bool? {
        switch text.lowercased() {
        case "running": true
        case "staging": false
        default: nil
        }
    }

    private func kill(_ api: inout APIRequest) async throws -> Response {
        let scale = try flag(api, "scale", default: false)
        let wipe = try flag(api, "wipe", default: false)
        let force = try flag(api, "force", default: false)
        if scale && wipe { throw MarathonError.badRequest("You cannot use scale and wipe at the same time.") }
        let body = try RequestBody.decode(KillBody.self, from: try await api.body(limit: bodyLimit))
        let scheduler = try await host.snapshot(seenBy: api)
        for id in body.ids {
            guard let task = scheduler.tasks[id] else { throw MarathonError.notFound("Task '\(id)' does not exist") }
            try api.permit(.update, task.appID)
        }
        let reply = try APIReply.reply(
            await host.request(.killTasks(body.ids, scale: scale, wipe: wipe, force: force)))
        switch reply {
        case .deployment(let id, let version, _): return APIReply.deployment(id: id, version: version)
        case .killed(let killed):
            let info = AppInfoJSON(scheduler: scheduler)
            let list = killed.map { task in
                TaskJSON.task(task, servicePorts: scheduler.apps[task.appID].map(info.servicePorts) ?? [])
            }
            return APIReply.json(.object([("tasks", .array(list))]))
        default: return APIReply.json(.object([("tasks", .array([]))]))
        }
    }
}
