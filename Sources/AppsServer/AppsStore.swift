import AppsCore
import ClusterEdge
import KeeperClient
import KeeperProtocol

/// Apps' state in Keeper, under its `--zk` path:
///
///     PATH/state                        {"leader": ID}: rewritten by each new leader
///     PATH/state/framework-id           the framework id the master gave
///     PATH/state/apps/APP               each app's current definition (`StoredApp`)
///     PATH/state/versions/APP/VERSION   every stored definition, `versionsKept` per app
///     PATH/state/tasks/TASK_ID          each task (`StoredTask`), written before its launch
///     PATH/state/deployments/ID         each deployment under way (`StoredDeployment`)
///
/// APP is the app's path with `_` for `/` (`prod_web`). As the masters' registry does, a
/// leader first claims the state (rewriting PATH/state and keeping the version it got), and
/// every write after is one multi that checks that version: a leader that was replaced
/// without knowing it cannot write (`AppsStoreError.superseded`).
public actor AppsStore {
    /// Definitions kept per app (Marathon's `--zk_max_versions`).
    public static let versionsKept = 50

    let client: KeeperClient
    let root: String
    /// The ACL of every znode written (open, or everyone-read creator-all under credentials).
    let acl: [ACL]
    private var fence: Int32?
    /// The znodes known to exist under apps, tasks and deployments: a write creates or
    /// sets accordingly.
    private var existing: Set<String> = []
    /// Each app's stored versions, oldest first.
    private var versions: [String: [Int64]] = [:]

    public init(client: KeeperClient, path: String, acl: [ACL] = ACL.openUnsafe) {
        self.client = client
        self.root = PathRules.join(path, "state")
        self.acl = acl
    }

    private var appsPath: String { PathRules.join(root, "apps") }
    private var versionsPath: String { PathRules.join(root, "versions") }
    private var tasksPath: String { PathRules.join(root, "tasks") }
    private var deploymentsPath: String { PathRules.join(root, "deployments") }
    private var frameworkIDPath: String { PathRules.join(root, "framework-id") }

    /// Makes this leader the only writer (while `node`, its election znode, exists) and
    /// reads the state.
    public func claim(leaderID: String, leading node: String) async throws -> AppsState {
        for path in [appsPath, versionsPath, tasksPath, deploymentsPath] { try await client.ensurePath(path, acl: acl) }
        let data = JSONValue.object([("leader", .string(leaderID))]).serialized
        let results = try await client.multi([.check(node, version: -1), .setData(root, data: data)])
        guard case .setData(let stat) = results.last else { throw AppsStoreError.notClaimed }
        fence = stat.version
        return try await read()
    }

    /// The most bytes (paths and data) one multi carries, well under Keeper's
    /// `jute.maxbuffer` (1 MiB): a larger write goes as several.
    public static let multiBytesMax = 512 * 1024

    /// Writes `operations` atomically, if this leader's claim still stands. A write larger
    /// than `multiBytesMax` (a scale-down of thousands of tasks marks each one) goes as
    /// several multis, each fenced: the apps, versions, deployments and framework id
    /// first, in one when they fit, then the tasks. A leader that dies between them leaves
    /// some tasks' records as they were, which the next leader corrects as it converges
    /// (a task it does not know to be killed is one too many, and killed); the change
    /// itself, an app with its deployment, is never split unless it alone is that large.
    public func write(_ operations: [AppsStoreOperation]) async throws {
        guard let fence else { throw AppsStoreError.notClaimed }
        var existing = self.existing
        var versions = self.versions
        var state: [(MultiOp, Int)] = []
        var tasks: [(MultiOp, Int)] = []
        for operation in operations {
            let made = try self.ops(for: operation, existing: &existing, versions: &versions)
            switch operation {
            case .putTask, .removeTask: tasks += made
            default: state += made
            }
        }
        for batch in Self.batches(state + tasks, bytesMax: Self.multiBytesMax) {
            do {
                _ = try await client.multi([MultiOp.check(root, version: fence)] + batch)
            } catch let error as KeeperError where error.code == .badVersion && error.path == root {
                throw AppsStoreError.superseded
            }
        }
        self.existing = existing
        self.versions = versions
    }

    /// `ops` in order, cut where the next one would take a batch past `bytesMax`.
    static func batches(_ ops: [(MultiOp, Int)], bytesMax: Int) -> [[MultiOp]] {
        var batches: [[MultiOp]] = []
        var current: [MultiOp] = []
        var bytes = 0
        for (op, size) in ops {
            if !current.isEmpty, bytes + size > bytesMax {
                batches.append(current)
                current = []
                bytes = 0
            }
            current.append(op)
            bytes += size
        }
        if !current.isEmpty { batches.append(current) }
        return batches
    }

    /// The definition of `app` stored as `version`, if it is kept.
    public func definition(_ app: AppID, version: Int64) async throws -> AppDefinition? {
        let path = PathRules.join(PathRules.join(versionsPath, app.taskPrefix), String(version))
        guard let data = try? await client.getData(path).data else { return nil }
        return try StoredApp.decode(data)
    }

    /// The versions of `app` kept, oldest first.
    public func versions(of app: AppID) -> [Int64] { versions[app.taskPrefix] ?? [] }

    /// The znode writes of one operation, each with the bytes it carries (path and data,
    /// and a little for the request around them).
    private func ops(
        for operation: AppsStoreOperation, existing: inout Set<String>, versions: inout [String: [Int64]]
    ) throws -> [(MultiOp, Int)] {
        try writes(for: operation, existing: &existing, versions: &versions).map { op, data in
            (op, op.path.utf8.count + data + 32)
        }
    }

    /// The znode writes of one operation, each with the length of its data.
    private func writes(
        for operation: AppsStoreOperation, existing: inout Set<String>, versions: inout [String: [Int64]]
    ) throws -> [(MultiOp, Int)] {
        switch operation {
        case .putApp(let app):
            let data = StoredApp.encode(app)
            var ops = [put(try entry(appsPath, app.id.taskPrefix), data, &existing)]
            let directory = PathRules.join(versionsPath, app.id.taskPrefix)
            var kept = versions[app.id.taskPrefix] ?? []
            if !existing.contains(directory) {
                ops.append((.create(directory, data: [], acl: acl), 0))
                existing.insert(directory)
            }
            if !kept.contains(app.version) {
                ops.append((.create(PathRules.join(directory, String(app.version)), data: data, acl: acl), data.count))
                kept.append(app.version)
            }
            while kept.count > Self.versionsKept {
                ops.append((.delete(PathRules.join(directory, String(kept.removeFirst()))), 0))
            }
            versions[app.id.taskPrefix] = kept
            return ops
        case .removeApp(let id):
            let directory = PathRules.join(versionsPath, id.taskPrefix)
            var ops = [remove(try entry(appsPath, id.taskPrefix), &existing)]
            ops += (versions.removeValue(forKey: id.taskPrefix) ?? []).map {
                (.delete(PathRules.join(directory, String($0))), 0)
            }
            if existing.remove(directory) != nil { ops.append((.delete(directory), 0)) }
            return ops
        case .putTask(let task):
            return [put(try entry(tasksPath, task.id), MesosJSON.encode(StoredTask(task)), &existing)]
        case .removeTask(let id):
            return [remove(try entry(tasksPath, id), &existing)]
        case .putDeployment(let deployment):
            return [put(try entry(deploymentsPath, deployment.id), StoredDeployment.encode(deployment), &existing)]
        case .removeDeployment(let id):
            return [remove(try entry(deploymentsPath, id), &existing)]
        case .putFrameworkID(let id):
            return [put(frameworkIDPath, Array(id.utf8), &existing)]
        }
    }

    private func put(_ path: String, _ data: [UInt8], _ existing: inout Set<String>) -> (MultiOp, Int) {
        (existing.insert(path).inserted ? .create(path, data: data, acl: acl) : .setData(path, data: data), data.count)
    }

    private func remove(_ path: String, _ existing: inout Set<String>) -> (MultiOp, Int) {
        existing.remove(path)
        return (.delete(path), 0)
    }

    private func entry(_ directory: String, _ name: String) throws -> String {
        guard !name.isEmpty, name != ".", name != "..", !name.contains("/"), !name.utf8.contains(0) else {
            throw AppsStoreError.refused("'\(name)' cannot name a znode")
        }
        return PathRules.join(directory, name)
    }

    private func read() async throws -> AppsState {
        var state = AppsState()
        existing = []
        versions = [:]
        if let data = try? await client.getData(frameworkIDPath).data {
            state.frameworkID = String(decoding: data, as: UTF8.self)
            existing.insert(frameworkIDPath)
        }
        for (name, data) in try await client.childrenData(of: appsPath) {
            state.apps.append(
                try decode(at: PathRules.join(appsPath, name)) { () throws(MarathonError) in try StoredApp.decode(data)
                })
            let directory = PathRules.join(versionsPath, name)
            let kept = (try? await client.getChildren(directory)) ?? []
            let present = try await client.exists(directory) != nil
            if present { existing.insert(directory) }
            versions[name] = kept.compactMap { Int64($0) }.sorted()
        }
        for (name, data) in try await client.childrenData(of: tasksPath) {
            let stored = try decode(at: PathRules.join(tasksPath, name)) { () throws(MarathonError) in
                do throws(JSONProblem) {
                    return try MesosJSON.decode(StoredTask.self, from: data)
                } catch {
                    throw .badRequest(error.message)
                }
            }
            state.tasks.append(stored.task)
        }
        for (name, data) in try await client.childrenData(of: deploymentsPath) {
            state.deployments.append(
                try decode(at: PathRules.join(deploymentsPath, name)) { () throws(MarathonError) in
                    try StoredDeployment.decode(data)
                })
        }
        return state
    }

    /// An entry, or an error naming its znode: no leader leads on state it cannot read whole.
    private func decode<T>(at path: String, _ body: () throws(MarathonError) -> T) throws -> T {
        existing.insert(path)
        do {
            return try body()
        } catch {
            throw AppsStoreError.undecodable(path: path, problem: "\(error.body["message"].map { "\($0)" } ?? "")")
        }
    }
}

public enum AppsStoreError: Error, Equatable, CustomStringConvertible {
    /// A newer leader claimed the state: this instance no longer leads.
    case superseded
    case notClaimed
    case refused(String)
    case undecodable(path: String, problem: String)

    public var description: String {
        switch self {
        case .superseded: "another Apps instance claimed the state since this one did: this one no longer leads"
        case .notClaimed: "the Apps state was not claimed"
        case .refused(let why): "Apps state write refused: \(why)"
        case .undecodable(let path, let problem):
            "the Apps state entry \(path) does not decode (\(problem)); no Apps instance can lead on it: restore it, "
                + "or delete it with `zkcli delete \(path)` if it may be forgotten"
        }
    }
}
