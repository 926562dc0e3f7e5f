import AppsCore
import ClusterEdge
import ClusterProtocol
import Logging
import NIOConcurrencyHelpers

/// The one owner of Apps' state on this instance: the `AppsScheduler` core while it
/// leads, nothing while it stands by. The master's events, users' changes, probe results
/// and timers all step the core here; its actions go to an `ActionPipeline`, which writes
/// Keeper, sends calls, publishes events and starts probes in the core's order.
public actor AppsHost {
    public enum Role: Sendable, Equatable {
        /// Standing by; the leader's address if one is known (requests are proxied there).
        case standby(leader: HostPort?)
        case leading
    }

    /// How a user's change ended.
    enum Outcome: Sendable {
        case reply(AppsReply)
        /// This instance does not lead (any more).
        case standingBy
        /// `ActionPipeline.batchesQueuedMax` changes wait for Keeper already.
        case busy
        /// Keeper did not take the change; this instance stepped down.
        case failed
    }

    /// Whether this instance leads, readable without waiting for the actor (each request
    /// asks first). Written only by the actor.
    public nonisolated var role: Role { roleState.withLockedValue { $0 } }
    private let roleState = NIOLockedValueBox<Role>(.standby(leader: nil))
    private var scheduler: AppsScheduler?
    private(set) var pipeline: ActionPipeline?
    private var calls: CallSender?
    private(set) var store: AppsStore?
    private var abdication: AsyncStream<String>.Continuation?
    /// Counts the terms of leadership, so that a late report from an old term is ignored.
    private var term = 0
    private let clock = EdgeClock()
    private let logger: Logger
    let events = EventHub()
    /// `GET /metrics`, shared with the routes.
    public nonisolated let metrics = AppsMetrics()
    let settings: AppsSettings
    public private(set) var electedAt: Int64?

    public init(settings: AppsSettings, logger: Logger) {
        self.settings = settings
        self.logger = logger
    }

    var now: Int64 { clock.now }

    /// This instance leads from now on, with a core that starts from `state`; `store`
    /// takes its writes and `session` its calls. The stream yields a reason if it must step
    /// down because Keeper refused a write.
    public func lead(state: AppsState, store: AppsStore, session: SchedulerSession, idPrefix: String)
        -> AsyncStream<String>
    {
        term += 1
        let term = term
        pipeline?.stop("a new term began")
        calls?.stop()
        events.closeAll()
        let (abdications, abdication) = AsyncStream<String>.makeStream()
        self.abdication = abdication
        self.store = store
        var config = AppsConfig(idPrefix: idPrefix)
        config.frameworkRole = settings.role
        config.groupRoles = settings.groupRoles
        scheduler = AppsScheduler(config: config, now: clock.now, state: state)
        let calls = CallSender(send: { try await session.send($0) }, logger: logger)
        self.calls = calls
        pipeline = ActionPipeline(
            effects: effects(store: store, calls: calls, term: term),
            failed: { reason in Task { await self.abdicate(reason, term: term) } })
        roleState.withLockedValue { $0 = .leading }
        electedAt = clock.now
        logger.info(
            "Leading Apps: \(state.apps.count) apps, \(state.tasks.count) tasks, \(state.deployments.count) deployments read from Keeper"
        )
        return abdications
    }

    /// This instance stands by; `leader` is who leads, if anyone.
    public func standBy(leader: HostPort?) {
        if case .leading = role {
            logger.warning("No longer leading Apps; standing by")
            pipeline?.stop("this instance stopped leading")
            pipeline = nil
            calls?.stop()
            calls = nil
            scheduler = nil
            store = nil
            electedAt = nil
            abdication = nil
            events.closeAll()
        }
        roleState.withLockedValue { $0 = .standby(leader: leader) }
    }

    /// Remembers who leads, for the proxy, unless this instance leads itself.
    public func noteLeader(_ leader: HostPort?) {
        roleState.withLockedValue { role in
            if case .standby = role { role = .standby(leader: leader) }
        }
    }

    /// What stepping an input came to.
    private enum Stepped {
        /// Nothing to carry out.
        case done(AppsReply)
        /// Actions queued under this ticket.
        case queued(AppsReply, ticket: Int)
        /// This instance does not lead, or its pipeline stopped (a write failed and it is
        /// stepping down): nothing was stepped, or its actions will never be carried out.
        case refused
    }

    /// Steps the core and queues its actions.
    private func step(_ input: AppsInput) -> Stepped {
        guard scheduler != nil, let pipeline, !pipeline.isStopped else { return .refused }
        let (reply, actions) = scheduler!.step(input, now: clock.now)
        guard !actions.isEmpty else { return .done(reply) }
        guard let ticket = pipeline.enqueue(actions) else { return .refused }
        return .queued(reply, ticket: ticket)
    }

    /// Steps `input` and waits until its actions are carried out (a producer that waits
    /// cannot run ahead of Keeper).
    func stepAndWait(_ input: AppsInput) async {
        guard case .queued(_, let ticket) = step(input), let pipeline else { return }
        _ = await pipeline.waitUntilDone(ticket)
    }

    /// A user's change: stepped, then answered once Keeper has it.
    func request(_ request: AppsRequest) async -> Outcome {
        guard let pipeline else { return .standingBy }
        guard pipeline.hasRoom else { return .busy }
        switch step(.request(request)) {
        case .done(let reply): return .reply(reply)
        case .refused: return pipeline.isStopped ? .failed : .standingBy
        case .queued(let reply, let ticket): return await pipeline.waitUntilDone(ticket) ? .reply(reply) : .failed
        }
    }

    /// A new subscriber of `/v2/events`, only while leading (a stream attached as this
    /// instance steps down would hear nothing but heartbeats); nil otherwise or when
    /// `EventHub.subscribersMax` are attached.
    func attachEvents(types: Set<String>, access: AppsAccess) -> EventOutbox? {
        guard case .leading = role else { return nil }
        return events.attach(types: types, access: access)
    }

    /// One event from the master's stream; false when the stream should end.
    func handle(_ event: Mesos.SchedulerEvent, term: Int) async -> Bool {
        guard term == self.term, scheduler != nil else { return false }
        switch event.type {
        case .subscribed:
            guard let id = event.subscribed?.frameworkID.value else { return true }
            logger.info("Subscribed to the master as framework \(id)")
            await stepAndWait(.subscribed(frameworkID: id))
        case .offers: await stepAndWait(.offers(event.offers?.offers ?? []))
        case .rescind:
            if let id = event.rescind?.offerID { await stepAndWait(.rescinded(id)) }
        case .update:
            if let status = event.update?.status { await stepAndWait(.update(status)) }
        case .error:
            // Another instance took the framework over (or the master removed it): as
            // Marathon does, this one stops leading rather than take it back.
            abdicate("the master sent an ERROR: \(event.error?.message ?? "no message")", term: term)
            return false
        default: break
        }
        return true
    }

    /// What every agent has in all, from the master (`AgentCapacityWatch`).
    func noteAgents(_ agents: [AgentCapacity], term: Int) async {
        guard term == self.term else { return }
        await stepAndWait(.agentCapacities(agents))
    }

    /// The subscription ended: calls wait for the next one.
    func disconnected(term: Int) async {
        guard term == self.term else { return }
        await stepAndWait(.disconnected)
    }

    var currentTerm: Int { term }

    /// The framework id to subscribe with, if the master gave one before.
    var frameworkID: String? { scheduler?.frameworkID }

    /// What `GET /metrics` reports of this instance now.
    func metricsReading() -> AppsMetrics.Reading {
        var reading = AppsMetrics.Reading(leading: scheduler != nil)
        reading.batchesQueued = pipeline?.queuedCount ?? 0
        reading.callsWaiting = calls?.waitingCount ?? 0
        reading.eventSubscribers = events.count
        guard let scheduler else { return reading }
        let tasksByApp = Dictionary(grouping: scheduler.tasks.values, by: \.appID)
        for app in scheduler.apps.values {
            reading.instancesWanted += app.instances
            reading.tasks.add(TaskCounts(app, tasksByApp[app.id] ?? []))
        }
        reading.apps = scheduler.apps.count
        reading.deployments = scheduler.deployments.count
        reading.launchesWaiting = scheduler.pendingLaunches.values.reduce(0, +)
        reading.delayedApps = scheduler.delays.values.filter { $0.until > clock.now }.count
        return reading
    }

    /// Reads the core's state; nil while standing by.
    func read<T: Sendable>(_ body: (AppsScheduler) -> T) -> T? {
        scheduler.map(body)
    }

    /// Runs the timers until cancelled: a tick at each core wakeup, at least every second,
    /// and the event streams' heartbeat every 10 s.
    public func runTimers() async {
        var lastHeartbeat = clock.now
        while !Task.isCancelled {
            let wait = scheduler.map { max(1, min($0.nextWakeup - clock.now, 1000)) } ?? 1000
            try? await Task.sleep(for: .milliseconds(wait))
            await stepAndWait(.tick)
            if clock.now - lastHeartbeat >= 10_000 {
                events.heartbeat()
                lastHeartbeat = clock.now
            }
        }
    }

    private func probed(_ probe: HealthProbe, _ result: ProbeResult, term: Int) async {
        guard term == self.term else { return }
        await stepAndWait(.probed(taskID: probe.taskID, check: probe.check, result: result))
    }

    /// `DELETE /v2/leader`: steps down and contends again behind the others; false when
    /// this instance does not lead.
    func abdicateOnRequest() -> Bool {
        guard case .leading = role else { return false }
        abdicate("a user asked (DELETE /v2/leader)", term: term)
        return true
    }

    /// Steps down at once, then tells the leadership loop, which leaves the election.
    private func abdicate(_ reason: String, term: Int) {
        guard term == self.term, let abdication else { return }
        logger.error("Stepping down: \(reason)")
        standBy(leader: nil)
        abdication.yield(reason)
        abdication.finish()
    }

    private func effects(store: AppsStore, calls: CallSender, term: Int) -> ActionPipeline.Effects {
        let logger = logger
        let events = events
        let clock = clock
        return ActionPipeline.Effects(
            write: { operations in try await store.write(operations) },
            send: { call in calls.enqueue(call) },
            publish: { event in
                let (type, json) = EventJSON.encode(event, now: clock.now)
                events.publish(type: type, json: json, apps: event.apps)
            },
            probe: { probe in
                Task {
                    guard let result = await HealthProber.run(probe) else { return }
                    await self.probed(probe, result, term: term)
                }
            },
            log: { line in logger.info("\(line)") })
    }
}
