import AppsCore
import ClusterEdge
import HTTPTypes
import Hummingbird

/// `/v2/apps/{id}/tasks[/{taskId}]`: an app's tasks, and killing them (`scale` lowers
/// the instances instead of replacing them; `wipe` forgets them at once; `host` picks the
/// tasks on one agent, `*` every task).
struct AppTasksEndpoint {
    let host: AppsHost
    let app: AppID

    func handle(_ api: APIRequest, taskID: String?) async throws -> Response {
        try api.permit(api.method == .get ? .view : .update, app)
        let scheduler = try await host.snapshot()
        guard let definition = scheduler.apps[app] else { throw MarathonError.notFound("App '\(app)' does not exist") }
        let info = AppInfoJSON(scheduler: scheduler)
        let tasks = info.tasks(of: app)
        let servicePorts = info.servicePorts(definition)
        if taskID == nil, api.method == .get {
            return APIReply.json(
                .object([("tasks", .array(tasks.map { TaskJSON.task($0, servicePorts: servicePorts) }))]))
        }
        try APIRequest.require(api, .delete)
        let scale = try flag(api, "scale", default: false)
        let wipe = try flag(api, "wipe", default: false)
        let force = try flag(api, "force", default: false)
        if scale && wipe { throw MarathonError.badRequest("You cannot use scale and wipe at the same time.") }
        var chosen = tasks
        if let taskID {
            chosen = tasks.filter { $0.id == taskID }
            if chosen.isEmpty { throw MarathonError.notFound("Task '\(taskID)' does not exist") }
        } else if let agent = api.value("host"), agent != "*" {
            chosen = tasks.filter { $0.place.hostname == agent }
        }
        let reply = try APIReply.reply(
            await host.request(.killTasks(chosen.map(\.id), scale: scale, wipe: wipe, force: force)))
        switch reply {
        case .deployment(let id, let version, _): return APIReply.deployment(id: id, version: version)
        case .killed(let killed):
            let list = killed.map { TaskJSON.task($0, servicePorts: servicePorts) }
            if taskID != nil, let first = list.first { return APIReply.json(.object([("task", first)])) }
            return APIReply.json(.object([("tasks", .array(list))]))
        default: return APIReply.json(.object([("tasks", .array([]))]))
        }
    }
}
