import ArgumentParser
import ClusterEdge

/// `corral apps list`: every app, its instances and health.
struct AppsList: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List the apps.")

    @OptionGroup var api: AppsAPI

    func run() async throws {
        let answer = try await api.call("GET", "/v2/apps")
        if api.json { return Output.line(String(decoding: answer.body, as: UTF8.self)) }
        struct Apps: Decodable { var apps: [AppSummary] }
        var table = TextTable(header: ["ID", "INSTANCES", "RUNNING", "HEALTHY", "DEPLOYING", "CMD"])
        for app in try api.decode(Apps.self, answer.body).apps {
            let checked = !(app.healthChecks ?? []).isEmpty
            table.rows.append([
                app.id, String(app.instances), String(app.tasksRunning ?? 0),
                checked ? String(app.tasksHealthy ?? 0) : "-", (app.deployments ?? []).isEmpty ? "no" : "yes",
                app.cmd ?? "",
            ])
        }
        Output.line(table.rendered)
    }
}

/// `corral apps show ID`: one app's definition, counts and tasks, as the API's JSON.
struct AppsShow: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "show", abstract: "Show one app as JSON.")

    @OptionGroup var api: AppsAPI

    @Argument(help: "The app's id, e.g. /web.")
    var id: String

    func run() async throws {
        Output.line(String(decoding: try await api.call("GET", "/v2/apps" + AppPath.of(id)).body, as: UTF8.self))
    }
}

/// `corral apps tasks ID`: an app's tasks, where they run and how they are.
struct AppsTasks: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "tasks", abstract: "List one app's tasks.")

    @OptionGroup var api: AppsAPI

    @Argument(help: "The app's id, e.g. /web.")
    var id: String

    func run() async throws {
        let answer = try await api.call("GET", "/v2/apps" + AppPath.of(id) + "/tasks")
        if api.json { return Output.line(String(decoding: answer.body, as: UTF8.self)) }
        struct Tasks: Decodable { var tasks: [TaskSummary] }
        var table = TextTable(header: ["ID", "HOST", "STATE", "PORTS", "HEALTH", "STARTED"])
        for task in try api.decode(Tasks.self, answer.body).tasks {
            table.rows.append([
                task.id, task.host, task.state, (task.ports ?? []).map(String.init).joined(separator: ","),
                task.health, task.startedAt ?? "-",
            ])
        }
        Output.line(table.rendered)
    }
}

/// `corral apps events`: the event stream, one JSON event per line, until interrupted.
struct AppsEvents: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "events", abstract: "Print Apps' events as they happen, one JSON object per line.")

    @OptionGroup var api: AppsAPI

    @Option(name: .customLong("type"), help: "Only events of this type (repeatable), e.g. status_update_event.")
    var types: [String] = []

    func run() async throws {
        try await AppsEventStream(api: api, types: types).read { _, json in
            Output.line(json)
            return true
        }
    }
}

/// App ids as paths: `web` and `/web` are both `/web`.
enum AppPath {
    static func of(_ id: String) -> String { id.hasPrefix("/") ? id : "/" + id }
}
