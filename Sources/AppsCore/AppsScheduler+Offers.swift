import ClusterCore
import ClusterProtocol

extension AppsScheduler {
    mutating func onOffers(_ offers: [Mesos.Offer]) {
        for offer in offers { use(offer) }
    }

    /// Launches on `offer` what the waiting apps need and it fits, in app order; declines
    /// it when nothing fits.
    private mutating func use(_ offer: Mesos.Offer) {
        guard isSubscribed, var available = try? Resources(offer.resources) else {
            decline(offer)
            return
        }
        let place = AgentPlace(offer)
        let allocationRole = offer.allocationInfo?.role ?? config.frameworkRole
        var launches: [Mesos.TaskInfo] = []
        for id in appsWaitingForOffers() {
            guard let app = apps[id] else { continue }
            // A MULTI_ROLE offer is for one role: only the apps of that role use it.
            guard (app.role ?? config.frameworkRole) == allocationRole else {
                record(offer, for: id, used: false, reasons: [.unfulfilledRole])
                continue
            }
            var reasons: Set<UnusedReason> = []
            var used = false
            matching: while pendingLaunches[id, default: 0] > 0 {
                let placed = activeTasks(of: app).map(\.place)
                guard app.constraints.allSatisfy({ $0.allows(place, besides: placed) }) else {
                    reasons.insert(.unfulfilledConstraint)
                    break
                }
                switch OfferMatch.find(for: app, in: available, roles: roles(for: app)) {
                case .failure(let unused):
                    reasons.formUnion(unused.reasons)
                    break matching
                case .success(let match):
                    available = available.removing(match.resources)
                    let task = provision(app, on: offer, at: place, ports: match.hostPorts)
                    launches.append(TaskLaunch.taskInfo(task, of: app, match: match, allocationRole: allocationRole))
                    pendingLaunches[id, default: 0] -= 1
                    used = true
                }
            }
            record(offer, for: id, used: used, reasons: used ? [] : reasons.sorted())
        }
        guard !launches.isEmpty else {
            decline(offer)
            return
        }
        var call = Mesos.SchedulerCall(type: .accept)
        call.accept = .init(
            offerIDs: [offer.id], operations: [.launch(launches)],
            filters: .init(refuseSeconds: config.declineRefuseSeconds))
        emit(.call(call))
    }

    /// Apps with tasks to launch and no launch delay running, in id order.
    private func appsWaitingForOffers() -> [AppID] {
        pendingLaunches.filter { id, count in count > 0 && (delays[id]?.until ?? 0) <= now }.keys.sorted()
    }

    /// The roles the framework subscribes with: its own and the groups' (`--roles`).
    public var subscribedRoles: [String] { Set([config.frameworkRole] + config.groupRoles).sorted() }

    /// Marathon's rule for an app's role: the framework's, or its top-level group's name
    /// (`/prod/web` may run as `prod`) when the framework subscribes with that role.
    func roleProblems(_ app: AppDefinition) -> [ValidationProblem] {
        guard let role = app.role, role != config.frameworkRole else { return [] }
        let group = app.id.segments.count > 1 ? app.id.segments[0] : nil
        if role == group, config.groupRoles.contains(role) { return [] }
        let allowed = [config.frameworkRole] + (group.flatMap { config.groupRoles.contains($0) ? [$0] : nil } ?? [])
        let hint =
            role == group
            ? "start Apps with --roles \(role) so the framework subscribes with it"
            : "an app runs as the framework's role, or as its top-level group's"
        return [
            ValidationProblem(
                path: "/role",
                "Role \"\(role)\" is not allowed for this app. Allowed roles: \(allowed.joined(separator: ", ")) (\(hint))"
            )
        ]
    }

    /// The roles whose resources `app`'s tasks may use.
    func roles(for app: AppDefinition) -> [String] {
        if let accepted = app.acceptedResourceRoles { return accepted }
        let own = app.role ?? config.frameworkRole
        return own == "*" ? ["*"] : [own, "*"]
    }

    /// Records a new task of `app` on `offer`'s agent, before it is launched.
    private mutating func provision(
        _ app: AppDefinition, on offer: Mesos.Offer, at place: AgentPlace, ports: [Int]
    ) -> AppTask {
        let task = AppTask(
            id: newTaskID(for: app.id), appID: app.id, version: app.version, configVersion: app.lastConfigChangeAt,
            agentID: offer.agentID.value, place: place, hostPorts: ports, stagedAt: now)
        tasks[task.id] = task
        store(.putTask(task))
        return task
    }

    private mutating func decline(_ offer: Mesos.Offer) {
        var call = Mesos.SchedulerCall(type: .decline)
        call.decline = .init(offerIDs: [offer.id], filters: .init(refuseSeconds: config.declineRefuseSeconds))
        emit(.call(call))
    }

    private mutating func record(_ offer: Mesos.Offer, for id: AppID, used: Bool, reasons: [UnusedReason]) {
        var stats = offerStats[id] ?? OfferStats()
        stats.processed += 1
        if used {
            stats.lastUsedAt = now
        } else {
            stats.unused += 1
            stats.lastUnusedAt = now
            for reason in reasons { stats.declinedBy[reason, default: 0] += 1 }
            stats.lastUnused.append(UnusedOffer(offer: offer, timestamp: now, reasons: reasons))
            if stats.lastUnused.count > config.unusedOffersKept { stats.lastUnused.removeFirst() }
        }
        offerStats[id] = stats
    }
}

extension AgentPlace {
    /// The offer's agent: its hostname and attributes as text.
    public init(_ offer: Mesos.Offer) {
        var attributes: [String: String] = [:]
        for attribute in offer.attributes { attributes[attribute.name] = attribute.constraintValue }
        self.init(hostname: offer.hostname, attributes: attributes)
    }
}

extension Mesos.Attribute {
    /// The value as constraints compare it: text as is, scalars as numbers, ranges and
    /// sets as Mesos writes them.
    var constraintValue: String {
        switch type {
        case .text: return text?.value ?? ""
        case .scalar:
            guard let value = scalar?.value else { return "" }
            return value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
        case .ranges: return "[" + (ranges?.range.map { "\($0.begin)-\($0.end)" } ?? []).joined(separator: ", ") + "]"
        case .set: return "{" + (set?.item ?? []).joined(separator: ", ") + "}"
        }
    }
}
