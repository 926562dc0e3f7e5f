extension AppsScheduler {
    /// Records a deployment of `target` over `original` and announces it.
    mutating func startDeployment(original: [AppID: AppDefinition?], target: [AppID: AppDefinition?]) -> Deployment {
        nextDeploymentNumber += 1
        let version = target.values.compactMap { $0?.version }.max() ?? newVersion()
        var steps: [[Deployment.Action]] = []
        for id in target.keys.sorted() {
            let outdated =
                (target[id] ?? nil).map { app in
                    tasks(of: id).contains {
                        !$0.isTerminal && $0.kill == nil && $0.configVersion != app.lastConfigChangeAt
                    }
                } ?? false
            let plan = Deployment.steps(from: original[id] ?? nil, to: target[id] ?? nil, app: id, outdated: outdated)
            for (index, actions) in plan.enumerated() {
                if steps.count <= index { steps.append([]) }
                steps[index] += actions
            }
        }
        let id = config.idPrefix + "-d" + String(nextDeploymentNumber)
        let deployment = Deployment(id: id, version: version, steps: steps, original: original, target: target)
        deployments[id] = deployment
        store(.putDeployment(deployment))
        publish(.deploymentInfo(deployment))
        log(
            "Deployment \(id) started: \(steps.flatMap { $0.map { "\($0.kind.rawValue) \($0.app)" } }.joined(separator: ", "))"
        )
        return deployment
    }

    /// Ends `deployment`: done, or cancelled (failed).
    mutating func finish(_ deployment: Deployment, succeeded: Bool) {
        deployments[deployment.id] = nil
        store(.removeDeployment(deployment.id))
        publish(succeeded ? .deploymentSuccess(deployment) : .deploymentFailed(deployment))
        if succeeded {
            for (id, target) in deployment.target.sorted(by: { $0.key < $1.key }) where target == nil {
                publish(.appTerminated(id))
            }
        }
        log("Deployment \(deployment.id) \(succeeded ? "succeeded" : "was cancelled")")
    }

    /// Moves every deployment whose current step is done to its next step, or ends it.
    mutating func advanceDeployments() {
        for id in deployments.keys.sorted() {
            guard var deployment = deployments[id] else { continue }
            while deployment.currentActions.allSatisfy({ isDone($0, in: deployment) }) {
                publish(.deploymentStepSuccess(deployment))
                guard deployment.currentStep < deployment.steps.count else {
                    finish(deployment, succeeded: true)
                    break
                }
                deployment.currentStep += 1
                deployments[id] = deployment
                store(.putDeployment(deployment))
                publish(.deploymentInfo(deployment))
            }
        }
    }

    /// True when `action` of `deployment` has happened.
    private func isDone(_ action: Deployment.Action, in deployment: Deployment) -> Bool {
        switch action.kind {
        case .startApplication: return true
        case .stopApplication:
            if tasks.values.contains(where: { $0.appID == action.app }) { return false }
            return true
        case .scaleApplication, .restartApplication:
            guard let app = apps[action.app] else { return true }
            return isConverged(app, restart: action.kind == .restartApplication)
        }
    }

    /// True when `app` runs exactly its instances, every one healthy, and — for a
    /// restart — every one on the current config; and every task it let go has ended
    /// (an unreachable one past `inactiveAfterSeconds` counts neither way).
    func isConverged(_ app: AppDefinition, restart: Bool) -> Bool {
        let live = activeTasks(of: app)
        guard live.count == app.instances,
            !tasks(of: app.id).contains(where: { !$0.isTerminal && $0.kill == .decommission })
        else { return false }
        return live.allSatisfy { task in
            task.kill == nil && isReady(task, of: app) && (!restart || task.configVersion == app.lastConfigChangeAt)
        }
    }

    /// The restart deployment moving `app`'s tasks to its current config, if one runs.
    public func restartDeployment(of app: AppID) -> Deployment? {
        deployments.values.first { deployment in
            deployment.steps.contains { $0.contains { $0.app == app && $0.kind == .restartApplication } }
        }
    }
}
