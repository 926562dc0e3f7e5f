import ArgumentParser
import ClusterEdge
import FoundationEssentials

/// The options of a change: where, whether to override a deployment, how long to follow it.
struct AppsChangeOptions: ParsableArguments {
    @OptionGroup var api: AppsAPI

    @Flag(help: "Override a deployment that holds the app (Marathon's force=true).")
    var force = false

    @Option(help: "Seconds to follow the deployment before giving up (exit 2).")
    var timeout: Double = 600

    func validate() throws {
        guard timeout > 0, timeout <= 86_400 else { throw ValidationError("--timeout takes 1 to 86400 seconds") }
    }

    func watch(_ app: String, _ change: () async throws -> [UInt8]) async throws {
        try await AppsDeploymentWatch(api: api, app: app, timeout: timeout).run(change)
    }
}

/// `corral apps deploy FILE.json`: creates the app the file defines, or changes it.
struct AppsDeploy: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "deploy", abstract: "Create or change an app from a JSON file, and follow its deployment.")

    @OptionGroup var options: AppsChangeOptions

    @Argument(help: "The app definition, Marathon's JSON (at least id and cmd).")
    var file: String

    private struct Identified: Decodable { var id: String }

    func run() async throws {
        let body: [UInt8]
        do {
            body = Array(try Data(contentsOf: URL(fileURLWithPath: file)))
        } catch {
            throw CommandFailure("Cannot read \(file): \(error)")
        }
        guard let id = try? JSONTapeDecoder().decode(Identified.self, from: body).id else {
            throw ValidationError("\(file) is not an app definition with an \"id\"")
        }
        let path = "/v2/apps" + AppPath.of(id)
        try await options.watch(id) {
            try await options.api.call("PUT", path + "?force=\(options.force)", body: body).body
        }
    }
}

/// `corral apps scale ID N`.
struct AppsScale: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scale", abstract: "Set an app's instances, and follow the deployment.")

    @OptionGroup var options: AppsChangeOptions

    @Argument(help: "The app's id.")
    var id: String

    @Argument(help: "How many instances.")
    var instances: Int

    func validate() throws {
        guard instances >= 0 else { throw ValidationError("instances must be 0 or more, not \(instances)") }
    }

    func run() async throws {
        try await options.watch(id) {
            // PATCH, not PUT: a mistyped id is a 404, not an app created from nothing.
            try await options.api.call(
                "PATCH", "/v2/apps" + AppPath.of(id) + "?force=\(options.force)",
                body: Array("{\"instances\":\(instances)}".utf8)
            ).body
        }
    }
}

/// `corral apps restart ID`: a rolling restart per the app's upgradeStrategy.
struct AppsRestart: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restart", abstract: "Restart an app's tasks, rolling, and follow the deployment.")

    @OptionGroup var options: AppsChangeOptions

    @Argument(help: "The app's id.")
    var id: String

    func run() async throws {
        try await options.watch(id) {
            try await options.api.call("POST", "/v2/apps" + AppPath.of(id) + "/restart?force=\(options.force)").body
        }
    }
}

/// `corral apps delete ID`: kills every task of the app and forgets it.
struct AppsDelete: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "delete", abstract: "Delete an app and its tasks, and follow the deployment.")

    @OptionGroup var options: AppsChangeOptions

    @Argument(help: "The app's id.")
    var id: String

    func run() async throws {
        try await options.watch(id) {
            try await options.api.call("DELETE", "/v2/apps" + AppPath.of(id) + "?force=\(options.force)").body
        }
    }
}
