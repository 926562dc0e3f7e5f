extension AppsScheduler {
    mutating func onRequest(_ request: AppsRequest) -> AppsReply {
        switch request {
        case .create(let update): create(update)
        case .update(let id, let update, let force): change(id, update, force: force)
        case .rollback(let definition, let force): rollBack(to: definition, force: force)
        case .delete(let id, let force): delete(id, force: force)
        case .restart(let id, let force): restart(id, force: force)
        case .killTasks(let ids, let scale, let wipe, let force): killTasks(ids, scale: scale, wipe: wipe, force: force)
        case .cancelDeployment(let id, let force): cancelDeployment(id, force: force)
        case .resetDelay(let id): resetDelay(id)
        case .changeGroup(let id, let apps, let scaleBy, let creating, let force):
            changeGroup(id, apps: apps, scaleBy: scaleBy, creating: creating, force: force)
        case .deleteGroup(let id, let force): deleteGroup(id, force: force)
        }
    }

    private mutating func create(_ update: AppUpdate) -> AppsReply {
        let id = AppID(update.id ?? "")
        if apps[id] != nil { return .conflict("An app with id [\(id)] already exists.", deployments: []) }
        if let blocked = blockingDeployments(id), !blocked.isEmpty {
            return .conflict(lockedMessage(blocked), deployments: blocked)
        }
        let (app, problems) = AppDefinition(id: id).applying(update)
        return deploy(app, replacing: nil, problems: problems, created: true)
    }

    private mutating func change(_ id: AppID, _ update: AppUpdate, force: Bool) -> AppsReply {
        guard let current = apps[id] else {
            var update = update
            update.id = id.description
            return create(update)
        }
        if let refusal = lockRefusal(id, force: force) { return refusal }
        let (app, problems) = current.applying(update)
        return deploy(app, replacing: current, problems: problems, created: false)
    }

    private mutating func rollBack(to definition: AppDefinition, force: Bool) -> AppsReply {
        if let refusal = lockRefusal(definition.id, force: force) { return refusal }
        var app = definition
        app.lastConfigChangeAt = apps[app.id]?.lastConfigChangeAt ?? 0
        return deploy(app, replacing: apps[app.id], problems: [], created: apps[app.id] == nil, restart: true)
    }

    private mutating func restart(_ id: AppID, force: Bool) -> AppsReply {
        guard let current = apps[id] else { return .notFound("App '\(id)' does not exist") }
        if let refusal = lockRefusal(id, force: force) { return refusal }
        return deploy(current, replacing: current, problems: [], created: false, restart: true)
    }

    private mutating func delete(_ id: AppID, force: Bool) -> AppsReply {
        guard let current = apps[id] else { return .notFound("App '\(id)' does not exist") }
        if let refusal = lockRefusal(id, force: force) { return refusal }
        apps[id] = nil
        delays[id] = nil
        offerStats[id] = nil
        store(.removeApp(id))
        let deployment = startDeployment(original: [id: current], target: [id: nil])
        for task in tasks(of: id) { kill(task.id, because: .decommission) }
        return .deployment(id: deployment.id, version: deployment.version, created: false)
    }

    /// Validates `app` and, when valid, stores it as a new version and starts the
    /// deployment from `replacing` to it. `restart` makes a new config version even when
    /// nothing but the instances changed.
    private mutating func deploy(
        _ app: AppDefinition, replacing current: AppDefinition?, problems: [ValidationProblem], created: Bool,
        restart: Bool = false
    ) -> AppsReply {
        var app = app
        var found = problems + app.problems + roleProblems(app)
        if found.isEmpty, current.map({ $0.resourcesDiffer(from: app) }) ?? true { found = fitProblems(app) }
        guard found.isEmpty else { return .invalid(found) }
        let configChanged = restart || current.map { app.differsInConfig(from: $0) } ?? true
        app.stampVersion(newVersion(), configChanged: configChanged)
        if configChanged { delays[app.id] = nil }
        assignServicePorts(&app)
        apps[app.id] = app
        store(.putApp(app))
        let deployment = startDeployment(original: [app.id: current], target: [app.id: app])
        return .deployment(id: deployment.id, version: deployment.version, created: created)
    }

    /// Picks a free service port for each port definition that asks for one (port 0).
    mutating func assignServicePorts(_ app: inout AppDefinition) {
        var used = Set(apps.values.filter { $0.id != app.id }.flatMap { $0.portDefinitions.map(\.port) })
        used.formUnion(app.portDefinitions.map(\.port))
        var candidates = config.servicePorts.makeIterator()
        for index in app.portDefinitions.indices where app.portDefinitions[index].port == 0 {
            while let port = candidates.next() {
                guard !used.contains(port) else { continue }
                app.portDefinitions[index].port = port
                used.insert(port)
                break
            }
        }
    }

    private mutating func killTasks(_ ids: [String], scale: Bool, wipe: Bool, force: Bool) -> AppsReply {
        let found = ids.compactMap { tasks[$0] }
        guard !found.isEmpty else { return .killed([]) }
        if scale {
            let byApp = Dictionary(grouping: found, by: \.appID)
            for appID in byApp.keys.sorted() {
                if let refusal = lockRefusal(appID, force: force) { return refusal }
            }
            var last: Deployment?
            for (appID, killed) in byApp.sorted(by: { $0.key < $1.key }) {
                guard var app = apps[appID] else { continue }
                let current = app
                app.instances = max(0, app.instances - killed.count)
                app.stampVersion(newVersion(), configChanged: false)
                apps[appID] = app
                store(.putApp(app))
                // The deployment is stored with the app, in one write, before the kills.
                last = startDeployment(original: [appID: current], target: [appID: app])
                for task in killed { kill(task.id, because: .decommission) }
            }
            if let last { return .deployment(id: last.id, version: last.version, created: false) }
        }
        for task in found { kill(task.id, because: wipe ? .decommission : .replace) }
        if wipe { for task in found { expunge(task.id) } }
        return .killed(found)
    }

    private mutating func cancelDeployment(_ id: String, force: Bool) -> AppsReply {
        guard let deployment = deployments[id] else { return .notFound("DeploymentPlan \(id) does not exist") }
        finish(deployment, succeeded: false)
        if force { return .done }
        if deployment.original.count > 1 {
            // A group's change is rolled back as it came: one deployment of every app.
            return commit(
                deployment.original.sorted(by: { $0.key < $1.key }).map { id, original in
                    var restored = original
                    if let current = apps[id] { restored?.lastConfigChangeAt = current.lastConfigChangeAt }
                    return (target: restored, current: apps[id])
                })
        }
        var rollback: (id: String, version: Int64)?
        for (appID, original) in deployment.original.sorted(by: { $0.key < $1.key }) {
            let reply: AppsReply
            if let original {
                var app = original
                app.lastConfigChangeAt = apps[appID]?.lastConfigChangeAt ?? original.lastConfigChangeAt
                let changed = apps[appID].map { original.differsInConfig(from: $0) } ?? true
                reply = deploy(app, replacing: apps[appID], problems: [], created: apps[appID] == nil, restart: changed)
            } else {
                reply = delete(appID, force: true)
            }
            if case .deployment(let id, let version, _) = reply { rollback = (id, version) }
        }
        guard let rollback else { return .done }
        return .deployment(id: rollback.id, version: rollback.version, created: false)
    }

    private mutating func resetDelay(_ id: AppID) -> AppsReply {
        guard apps[id] != nil else { return .notFound("App '\(id)' does not exist") }
        delays[id] = nil
        return .done
    }

    /// A 409 when deployments hold `id` and the user did not say `force`; with `force`,
    /// those deployments are forgotten (their tasks stay as they are) and nil.
    mutating func lockRefusal(_ id: AppID, force: Bool) -> AppsReply? {
        guard let blocked = blockingDeployments(id), !blocked.isEmpty else { return nil }
        guard force else { return .conflict(lockedMessage(blocked), deployments: blocked) }
        for deploymentID in blocked {
            if let deployment = deployments[deploymentID] { finish(deployment, succeeded: false) }
        }
        return nil
    }

    /// The deployments that affect `id`, by id.
    func blockingDeployments(_ id: AppID) -> [String]? {
        deployments.values.filter { $0.target.keys.contains(id) }.map(\.id).sorted()
    }

    private func lockedMessage(_ deployments: [String]) -> String {
        "App is locked by one or more deployments. Override with the option '?force=true'. View details at '/v2/deployments/<DEPLOYMENT_ID>'."
    }
}
