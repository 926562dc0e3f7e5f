import ClusterProtocol

/// What happens to the Apps scheduler: the master's events, the users' requests, health
/// probes coming back, time passing. `AppsScheduler.step` takes one at a time.
public enum AppsInput: Sendable {
    /// The master took the subscription; the framework has this id.
    case subscribed(frameworkID: String)
    /// The subscription stream ended; calls wait for the next `subscribed`.
    case disconnected
    case offers([Mesos.Offer])
    case rescinded(Mesos.OfferID)
    case update(Mesos.TaskStatus)
    /// A probe asked for with `AppsAction.probe` came back.
    case probed(taskID: String, check: Int, result: ProbeResult)
    case request(AppsRequest)
    /// What each agent has in all (the master's GET_AGENTS), polled by the edge.
    case agentCapacities([AgentCapacity])
    /// Time passed: timers that are due fire. The edge ticks at `nextWakeup` or sooner.
    case tick
}

public enum ProbeResult: Sendable, Equatable {
    case passed
    case failed(String)
}

/// A user's change through the REST API.
public enum AppsRequest: Sendable {
    /// `POST /v2/apps`.
    case create(AppUpdate)
    /// `PUT` or `PATCH /v2/apps/{id}`: applied to the app as it is, or creates it.
    case update(AppID, AppUpdate, force: Bool)
    /// `PUT /v2/apps/{id}` with only a `version`: back to that stored definition.
    case rollback(AppDefinition, force: Bool)
    case delete(AppID, force: Bool)
    case restart(AppID, force: Bool)
    /// `DELETE /v2/apps/{id}/tasks…` and `POST /v2/tasks/delete`: `scale` lowers the
    /// instances instead of replacing the tasks; `wipe` forgets them at once.
    case killTasks([String], scale: Bool, wipe: Bool, force: Bool)
    /// `DELETE /v2/deployments/{id}`: rolled back, or with `force` only forgotten.
    case cancelDeployment(String, force: Bool)
    /// `DELETE /v2/queue/{id}/delay`.
    case resetDelay(AppID)
    /// `POST` (`creating`) or `PUT /v2/groups/{id}`: apps (ids relative to the group)
    /// created or changed, every app under the group scaled by `scaleBy`; one deployment.
    case changeGroup(AppID, apps: [AppUpdate], scaleBy: Double?, creating: Bool, force: Bool)
    /// `DELETE /v2/groups/{id}`: every app under it stopped; one deployment.
    case deleteGroup(AppID, force: Bool)
}

/// The answer to a request.
public enum AppsReply: Sendable, Equatable {
    case none
    /// A deployment started (`created` when the request made the app).
    case deployment(id: String, version: Int64, created: Bool)
    /// 422 with what is invalid.
    case invalid([ValidationProblem])
    /// 404.
    case notFound(String)
    /// 409, with the deployments in the way.
    case conflict(String, deployments: [String])
    /// The tasks being killed.
    case killed([AppTask])
    /// Done, nothing more to say.
    case done
}
