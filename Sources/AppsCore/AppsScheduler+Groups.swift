/// Groups (`/v2/groups`): the apps under one path changed together, as one deployment.
extension AppsScheduler {
    /// The apps under `group` (every app when it is the root), by id.
    func apps(under group: AppID) -> [AppDefinition] {
        apps.values.filter {
            $0.id.segments.count > group.segments.count && $0.id.segments.starts(with: group.segments)
        }
        .sorted { $0.id < $1.id }
    }

    /// `POST` or `PUT /v2/groups/{id}`: each app given (its id relative to the group)
    /// created or changed, and with `scaleBy` every app under the group scaled; all
    /// validated before any is stored, then rolled out as one deployment. `creating`
    /// refuses a group that exists (POST).
    mutating func changeGroup(
        _ group: AppID, apps updates: [AppUpdate], scaleBy: Double?, creating: Bool, force: Bool
    ) -> AppsReply {
        if creating, !apps(under: group).isEmpty {
            return .conflict("Group \(group) is already created. Use PUT to change this group.", deployments: [])
        }
        if apps[group] != nil { return .conflict("An app with the path \(group) already exists.", deployments: []) }
        var targets: [(AppDefinition, AppDefinition?)] = []
        var problems: [ValidationProblem] = []
        for (index, update) in updates.enumerated() {
            let id = AppID(update.id ?? "", relativeTo: group)
            guard id.segments.count > group.segments.count, id.segments.starts(with: group.segments) else {
                problems.append(ValidationProblem(path: "/apps(\(index))/id", "Identifier is not child of '\(group)'"))
                continue
            }
            guard !targets.contains(where: { $0.0.id == id }) else {
                problems.append(ValidationProblem(path: "/apps(\(index))/id", "\(id) is given twice in this change"))
                continue
            }
            var update = update
            update.id = id.description
            let current = apps[id]
            let (app, found) = (current ?? AppDefinition(id: id)).applying(update)
            let all =
                found + app.problems + roleProblems(app)
                + (current.map { $0.resourcesDiffer(from: app) } ?? true ? fitProblems(app) : [])
            for problem in all {
                var moved = problem
                moved.path = "/apps(\(index))" + (problem.path == "/" ? "" : problem.path)
                problems.append(moved)
            }
            targets.append((app, current))
        }
        if let factor = scaleBy {
            guard factor.isFinite, factor >= 0, factor <= 1000 else {
                return .invalid([ValidationProblem(path: "/scaleBy", "got \(factor), expected 0 to 1000")])
            }
            for current in apps(under: group) where !targets.contains(where: { $0.0.id == current.id }) {
                var app = current
                app.instances = Int(min((Double(app.instances) * factor).rounded(.up), Double(Int32.max)))
                for problem in app.problems {
                    problems.append(
                        ValidationProblem(
                            path: "/scaleBy", "\(app.id)\(problem.path): \(problem.errors.joined(separator: "; "))"))
                }
                targets.append((app, current))
            }
        }
        guard problems.isEmpty else { return .invalid(problems) }
        guard !targets.isEmpty else { return .done }
        for (app, _) in targets {
            if let refusal = lockRefusal(app.id, force: force) { return refusal }
        }
        return commit(targets.map { (target: $0.0, current: $0.1) })
    }

    /// `DELETE /v2/groups/{id}`: every app under it stopped, as one deployment.
    mutating func deleteGroup(_ group: AppID, force: Bool) -> AppsReply {
        let doomed = apps(under: group)
        guard !doomed.isEmpty else { return .notFound("Group '\(group)' does not exist") }
        for app in doomed {
            if let refusal = lockRefusal(app.id, force: force) { return refusal }
        }
        var original: [AppID: AppDefinition?] = [:]
        var target: [AppID: AppDefinition?] = [:]
        for app in doomed {
            apps[app.id] = nil
            delays[app.id] = nil
            offerStats[app.id] = nil
            store(.removeApp(app.id))
            original[app.id] = .some(app)
            target[app.id] = .some(nil)
        }
        let deployment = startDeployment(original: original, target: target)
        for app in doomed {
            for task in tasks(of: app.id) { kill(task.id, because: .decommission) }
        }
        return .deployment(id: deployment.id, version: deployment.version, created: false)
    }

    /// Stores each app as a new version (or removes it, for a nil target) and starts one
    /// deployment from their current definitions to these.
    mutating func commit(_ changes: [(target: AppDefinition?, current: AppDefinition?)]) -> AppsReply {
        let version = newVersion()
        var original: [AppID: AppDefinition?] = [:]
        var target: [AppID: AppDefinition?] = [:]
        var removed: [AppID] = []
        for (next, current) in changes {
            guard var app = next else {
                guard let current else { continue }
                apps[current.id] = nil
                delays[current.id] = nil
                offerStats[current.id] = nil
                store(.removeApp(current.id))
                original[current.id] = .some(current)
                target[current.id] = .some(nil)
                removed.append(current.id)
                continue
            }
            let configChanged = current.map { app.differsInConfig(from: $0) } ?? true
            app.stampVersion(version, configChanged: configChanged)
            if configChanged { delays[app.id] = nil }
            assignServicePorts(&app)
            apps[app.id] = app
            store(.putApp(app))
            original[app.id] = .some(current)
            target[app.id] = .some(app)
        }
        guard !target.isEmpty else { return .done }
        let deployment = startDeployment(original: original, target: target)
        for id in removed {
            for task in tasks(of: id) { kill(task.id, because: .decommission) }
        }
        let created = changes.contains { $0.target != nil && $0.current == nil }
        return .deployment(id: deployment.id, version: deployment.version, created: created)
    }
}
