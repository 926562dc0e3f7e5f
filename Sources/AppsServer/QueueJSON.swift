import AppsCore
import ClusterEdge
import ClusterProtocol
import UTCTime

/// `GET /v2/queue`: each app with tasks waiting to launch, its back-off delay, and what
/// the offers it saw lacked (Marathon's processedOffersSummary and lastUnusedOffers).
enum QueueJSON {
    static func queue(_ scheduler: AppsScheduler, now: Int64, withUnusedOffers: Bool) -> JSONValue {
        let info = AppInfoJSON(scheduler: scheduler)
        var items: [JSONValue] = []
        for (id, count) in scheduler.pendingLaunches.sorted(by: { $0.key < $1.key }) where count > 0 {
            guard let app = scheduler.apps[id] else { continue }
            let stats = scheduler.offerStats[id] ?? OfferStats()
            let delay = scheduler.delays[id]
            let left = max(0, ((delay?.until ?? now) - now + 999) / 1000)
            var members: [(String, JSONValue)] = [
                ("count", .int(Int64(count))),
                ("delay", .object([("timeLeftSeconds", .int(left)), ("overdue", .bool(left == 0))])),
                ("since", .string(Timestamp.format(since(app, scheduler)))),
                ("processedOffersSummary", summary(stats)),
            ]
            if withUnusedOffers { members.append(("lastUnusedOffers", .array(stats.lastUnused.map(unused)))) }
            members.append(("app", info.app(app, embed: [.counts, .deployments, .tasks])))
            items.append(.object(members))
        }
        return .object([("queue", .array(items))])
    }

    /// When the app began waiting: its last change, or its last task's failure after it.
    private static func since(_ app: AppDefinition, _ scheduler: AppsScheduler) -> Int64 {
        max(app.version, scheduler.lastTaskFailures[app.id]?.timestamp ?? 0)
    }

    private static func summary(_ stats: OfferStats) -> JSONValue {
        var members: [(String, JSONValue)] = [
            ("processedOffersCount", .int(Int64(stats.processed))), ("unusedOffersCount", .int(Int64(stats.unused))),
        ]
        if let at = stats.lastUnusedAt { members.append(("lastUnusedOfferAt", .string(Timestamp.format(at)))) }
        if let at = stats.lastUsedAt { members.append(("lastUsedOfferAt", .string(Timestamp.format(at)))) }
        var lastOffers: [UnusedReason: Int] = [:]
        for offer in stats.lastUnused { if let first = offer.reasons.min() { lastOffers[first, default: 0] += 1 } }
        members.append(("rejectSummaryLastOffers", funnel(lastOffers, total: stats.lastUnused.count)))
        members.append(("rejectSummaryLaunchAttempt", funnel(stats.declinedBy, total: stats.processed)))
        return .object(members)
    }

    /// Every reason in funnel order: how many offers reached that check, how many it
    /// turned down.
    private static func funnel(_ declined: [UnusedReason: Int], total: Int) -> JSONValue {
        var remaining = total
        var steps: [JSONValue] = []
        for reason in UnusedReason.allCases {
            let count = declined[reason] ?? 0
            steps.append(
                .object([
                    ("reason", .string(reason.rawValue)), ("declined", .int(Int64(count))),
                    ("processed", .int(Int64(remaining))),
                ]))
            remaining = max(0, remaining - count)
        }
        return .array(steps)
    }

    private static func unused(_ unused: UnusedOffer) -> JSONValue {
        let offer = unused.offer
        return .object([
            (
                "offer",
                .object([
                    ("id", .string(offer.id.value)), ("agentId", .string(offer.agentID.value)),
                    ("hostname", .string(offer.hostname)),
                    ("resources", .array(offer.resources.map(resource))),
                    ("attributes", .array(offer.attributes.map(attribute))),
                ])
            ),
            ("timestamp", .string(Timestamp.format(unused.timestamp))),
            ("reason", .array(unused.reasons.map { .string($0.rawValue) })),
        ])
    }

    private static func resource(_ resource: Mesos.Resource) -> JSONValue {
        var members: [(String, JSONValue)] = [
            ("name", .string(resource.name)), ("role", .string(resource.allocationInfo?.role ?? resource.role ?? "*")),
        ]
        if let scalar = resource.scalar { members.append(("scalar", .double(scalar.value))) }
        if let ranges = resource.ranges {
            members.append(
                (
                    "ranges",
                    .array(
                        ranges.range.map { .object([("begin", .int(Int64($0.begin))), ("end", .int(Int64($0.end)))]) })
                ))
        }
        return .object(members)
    }

    private static func attribute(_ attribute: Mesos.Attribute) -> JSONValue {
        var members: [(String, JSONValue)] = [("name", .string(attribute.name))]
        if let text = attribute.text { members.append(("text", .string(text.value))) }
        if let scalar = attribute.scalar { members.append(("scalar", .double(scalar.value))) }
        return .object(members)
    }
}
