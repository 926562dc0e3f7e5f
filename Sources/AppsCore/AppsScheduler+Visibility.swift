/// What a user of the REST API is shown: the scheduler's state without the apps they may
/// not view, so that every list, count and group the API renders leaves those out.
extension AppsScheduler {
    /// The state with only the apps `access` may view, their tasks, and the deployments
    /// that touch no other app.
    public func restricted(to access: AppsAccess) -> AppsScheduler {
        if access.isUnrestricted { return self }
        var seen = self
        let visible = { (id: AppID) in access.allows(.view, id) }
        seen.apps = apps.filter { visible($0.key) }
        seen.tasks = tasks.filter { visible($0.value.appID) }
        seen.deployments = deployments.filter { access.sees($0.value.affectedApps) }
        seen.delays = delays.filter { visible($0.key) }
        seen.offerStats = offerStats.filter { visible($0.key) }
        seen.lastTaskFailures = lastTaskFailures.filter { visible($0.key) }
        seen.pendingLaunches = pendingLaunches.filter { visible($0.key) }
        return seen
    }
}
