import ClusterEdge
import ClusterProtocol
import FoundationEssentials
import Logging
import MasterCore
import NIOConcurrencyHelpers

/// The one owner of the master's state: the `Master` core while this master leads,
/// nothing while it stands by. Every request and timer goes through it; it carries out
/// the core's actions (records onto streams, streams closed, log lines).
public actor MasterHost {
    public enum Role: Sendable {
        /// Standing by; the leader's address if one is known.
        case standby(leader: HostPort?)
        case leading
    }

    /// Whether this master leads, readable without waiting for the actor: every request
    /// asks first (a standby redirects it), and a second hop per request cost the master
    /// measurable time under load. Written only by the actor.
    public nonisolated var role: Role { roleState.withLockedValue { $0 } }
    private let roleState = NIOLockedValueBox<Role>(.standby(leader: nil))
    private(set) var master: Master?
    private let makeConfig: @Sendable (Mesos.MasterInfo) -> MasterConfig
    private let clock = EdgeClock()
    private let logger: Logger
    /// `GET /metrics`, shared with the routes.
    public nonisolated let metrics = MasterMetrics()
    private var frameworkOutboxes: [StreamID: EventOutbox] = [:]
    private var agentOutboxes: [StreamID: EventOutbox] = [:]
    private var operatorOutboxes: [StreamID: EventOutbox] = [:]
    /// The principal of each operator stream that has one: it hears only the events the
    /// view ACLs let it see.
    private var operatorPrincipals: [StreamID: String] = [:]
    private var tickScheduled = false
    /// Counts the terms of leadership, so that a late report from an old term is ignored.
    private var term = 0
    private var registryWriter: RegistryWriter?
    private var abdication: AsyncStream<String>.Continuation?
    let streamBytesMax: Int
    public let startedAt: Int64
    public private(set) var electedAt: Int64?
    /// `host:port` this master serves on, once it has led.
    public private(set) var selfAddress = ""
    /// Operators' maintenance calls waiting for their registry writes, by request.
    private var maintenanceWaits: [Int: CheckedContinuation<MaintenanceOutcome, Never>] = [:]
    private var nextMaintenanceRequest = 0

    /// How an operator's maintenance call ended.
    enum MaintenanceOutcome: Sendable, Equatable {
        case done
        case refused(status: Int, message: String)
        /// This master does not lead (any more).
        case standingBy
    }

    /// Times the v0 endpoints report.
    public struct Snapshot: Sendable {
        public var startedAt: Int64
        public var electedAt: Int64?
        public var now: Int64
    }

    public var snapshot: Snapshot { Snapshot(startedAt: startedAt, electedAt: electedAt, now: clock.now) }

    public init(
        logger: Logger, streamBytesMax: Int = EventOutbox.bytesMaxDefault,
        makeConfig: @escaping @Sendable (Mesos.MasterInfo) -> MasterConfig
    ) {
        self.logger = logger
        self.makeConfig = makeConfig
        self.streamBytesMax = streamBytesMax
        self.startedAt = EdgeClock().now
    }

    public var now: Int64 { clock.now }

    /// This master leads from now on, with a core that starts from `registry`, writing the
    /// registry through `store` (nil: leading alone, nothing is kept). The stream yields the
    /// reason if this master must step down because its registry writes fail (a newer
    /// leader claimed the registry, Keeper lost).
    @discardableResult
    public func lead(as info: Mesos.MasterInfo, registry: Registry = Registry(), store: RegistryStore? = nil)
        -> AsyncStream<String>
    {
        closeAllStreams()
        term += 1
        let (abdications, abdication) = AsyncStream<String>.makeStream()
        registryWriter?.stop()
        registryWriter = RegistryWriter(
            write: { operations in try await store?.write(operations) },
            report: { [term] id, refusal in await self.registryWritten(id, refusal: refusal, term: term) },
            abdicate: { [term] reason in await self.abdicate(reason, term: term) })
        self.abdication = abdication
        master = Master(config: makeConfig(info), now: clock.now, registry: registry)
        roleState.withLockedValue { $0 = .leading }
        electedAt = clock.now
        selfAddress = "\(info.address?.ip ?? info.hostname ?? "127.0.0.1"):\(info.port)"
        logger.info("Elected leading master \(info.id) at \(info.address?.ip ?? "?"):\(info.port)")
        scheduleTick()
        return abdications
    }

    /// This master stands by; `leader` is who leads, if anyone.
    public func standBy(leader: HostPort?) {
        if case .leading = role {
            logger.warning("Lost leadership; standing by with every stream closed")
            closeAllStreams()
            master = nil
            electedAt = nil
            registryWriter?.stop()
            registryWriter = nil
            abdication = nil
            for request in maintenanceWaits.keys.sorted() { answerMaintenance(request, .standingBy) }
        }
        roleState.withLockedValue { $0 = .standby(leader: leader) }
    }

    /// Remembers who leads, for redirects, unless this master leads itself.
    public func noteLeader(_ leader: HostPort?) {
        roleState.withLockedValue { role in
            if case .standby = role { role = .standby(leader: leader) }
        }
        leaderSilent.withLockedValue { $0 = false }
    }

    /// Whether the leader this standby redirects to failed to answer its last probe
    /// (`LeaderWatch`): a leader cut off answers nothing until its session expires, and a
    /// client redirected to it would hang there (pymesos then keeps trying it: found by
    /// test_netns). Such a standby answers 503 instead of 307.
    public nonisolated var isLeaderSilent: Bool { leaderSilent.withLockedValue { $0 } }
    private let leaderSilent = NIOLockedValueBox(false)

    func noteLeaderAnswers(_ answered: Bool, at address: HostPort) {
        guard case .standby(let leader) = role, leader == address else { return }
        leaderSilent.withLockedValue { $0 = !answered }
    }

    /// Opens an outbound stream for a subscription about to be stepped.
    func openStream(_ kind: StreamKind) -> EventOutbox {
        let outbox = EventOutbox(id: StreamID(UUID().uuidString.lowercased()), bytesMax: streamBytesMax)
        switch kind {
        case .framework: frameworkOutboxes[outbox.id] = outbox
        case .agent: agentOutboxes[outbox.id] = outbox
        case .operator: operatorOutboxes[outbox.id] = outbox
        }
        return outbox
    }

    /// An operator SUBSCRIBE stream for `principal` (nil: unauthenticated).
    func openOperatorStream(principal: String?) -> EventOutbox {
        let outbox = openStream(.operator)
        operatorPrincipals[outbox.id] = principal
        return outbox
    }

    /// A subscription's response ended (or never started): forget it and tell the core.
    func streamEnded(_ kind: StreamKind, _ id: StreamID) {
        switch kind {
        case .framework:
            guard frameworkOutboxes.removeValue(forKey: id) != nil else { return }
            _ = step(.schedulerClosed(id))
        case .agent:
            guard agentOutboxes.removeValue(forKey: id) != nil else { return }
            _ = step(.agentClosed(id))
        case .operator:
            operatorOutboxes[id]?.close()
            operatorOutboxes[id] = nil
            operatorPrincipals[id] = nil
        }
    }

    /// Steps the core with one event and carries out its actions; nil while standing by.
    func step(_ event: MasterEvent) -> MasterReply? {
        guard master != nil else { return nil }
        // Stepped in place: a copy would copy every table the step touches.
        let rounds = master!.allocationRounds
        let started = ContinuousClock.now
        let result = master!.step(event, now: clock.now)
        if master?.allocationRounds != rounds { metrics.allocation.record(since: started) }
        perform(result.actions)
        if master?.isTickDue == true { scheduleTick() }
        return result.reply
    }

    /// Steps an operator's maintenance call and waits until the registry has it (or it is
    /// refused, or this master stops leading).
    func maintain(_ call: MaintenanceCall) async -> MaintenanceOutcome {
        let request = nextMaintenanceRequest
        nextMaintenanceRequest += 1
        return await withCheckedContinuation { continuation in
            maintenanceWaits[request] = continuation
            switch step(.maintenance(call, request: request)) {
            case nil: answerMaintenance(request, .standingBy)
            case .rejected(let status, let message)?:
                answerMaintenance(request, .refused(status: status, message: message))
            default: break
            }
        }
    }

    private func answerMaintenance(_ request: Int, _ outcome: MaintenanceOutcome) {
        maintenanceWaits.removeValue(forKey: request)?.resume(returning: outcome)
    }

    /// Reads the core's state (for the operator endpoints); nil while standing by.
    func read<T: Sendable>(_ body: (Master) -> T) -> T? {
        master.map(body)
    }

    /// What `GET /metrics` reports of this master's state now.
    func metricsReading() -> MasterMetrics.Reading {
        let streams: [(StreamKind, [StreamID: EventOutbox])] = [
            (.framework, frameworkOutboxes), (.agent, agentOutboxes), (.operator, operatorOutboxes),
        ]
        return MasterMetrics.Reading(
            figures: master.map(MasterFigures.init), uptimeSeconds: Double(clock.now - startedAt) / 1000,
            streams: streams.map { kind, outboxes in
                (kind.rawValue, outboxes.count, outboxes.values.reduce(0) { $0 + $1.waitingBytes })
            })
    }

    /// Runs the timers until cancelled: a tick at each core wakeup, at least every second.
    public func runTimers() async {
        while !Task.isCancelled {
            let wait = master.map { max(1, min($0.nextWakeup - clock.now, 1000)) } ?? 1000
            try? await Task.sleep(for: .milliseconds(wait))
            _ = step(.tick)
        }
    }

    private func scheduleTick() {
        guard !tickScheduled else { return }
        tickScheduled = true
        Task { self.tickNow() }
    }

    private func tickNow() {
        tickScheduled = false
        _ = step(.tick)
    }

    private func perform(_ actions: [MasterAction]) {
        for action in actions {
            switch action {
            case .sendToFramework(let id, let event):
                send(MesosJSON.encode(event), to: frameworkOutboxes[id], kind: .framework)
            case .closeFrameworkStream(let id): frameworkOutboxes.removeValue(forKey: id)?.close()
            case .sendToAgent(let id, let event): send(MesosJSON.encode(event), to: agentOutboxes[id], kind: .agent)
            case .closeAgentStream(let id): agentOutboxes.removeValue(forKey: id)?.close()
            case .publish(let event):
                // Encoded only for someone: most masters have no operator subscriber.
                guard !operatorOutboxes.isEmpty else { continue }
                let record = RecordIO.frame(MesosJSON.encode(event))
                for outbox in operatorOutboxes.values
                where (master?.shows(event, to: operatorPrincipals[outbox.id]) ?? false) && !outbox.send(record) {
                    operatorOutboxes[outbox.id] = nil
                    operatorPrincipals[outbox.id] = nil
                }
            case .log(let line): logger.info("\(line)")
            case .writeRegistry(let id, let operations): registryWriter?.write(id, operations)
            case .answerOperator(let request, let refusal):
                let failed = refusal.map {
                    MaintenanceOutcome.refused(
                        status: 503, message: "Keeper refused the registry write: \($0); try again")
                }
                answerMaintenance(request, failed ?? .done)
            }
        }
    }

    private func registryWritten(_ id: Int, refusal: String?, term: Int) {
        guard term == self.term else { return }
        _ = step(.registryWritten(id, refusal: refusal))
    }

    /// Steps down at once (the core is dropped before anything else: it must not offer or
    /// launch another thing), then tells the leadership loop, which leaves the election.
    private func abdicate(_ reason: String, term: Int) {
        guard term == self.term, let abdication else { return }
        logger.error("Stepping down: \(reason)")
        standBy(leader: nil)
        abdication.yield(reason)
        abdication.finish()
    }

    private func send(_ json: [UInt8], to outbox: EventOutbox?, kind: StreamKind) {
        guard let outbox else { return }
        if !outbox.send(RecordIO.frame(json)) {
            if outbox.overflowed {
                logger.warning("Closing \(kind) stream \(outbox.id): its reader is \(outbox.bytesMax) bytes behind")
            }
            streamEnded(kind, outbox.id)
        }
    }

    func publishTo(_ outbox: EventOutbox, _ event: Mesos.OperatorEvent) {
        outbox.send(RecordIO.frame(MesosJSON.encode(event)))
    }

    private func closeAllStreams() {
        for outbox in frameworkOutboxes.values { outbox.close() }
        for outbox in agentOutboxes.values { outbox.close() }
        for outbox in operatorOutboxes.values { outbox.close() }
        frameworkOutboxes = [:]
        agentOutboxes = [:]
        operatorOutboxes = [:]
        operatorPrincipals = [:]
    }
}

enum StreamKind: String, Sendable, CustomStringConvertible {
    case framework
    case agent
    case `operator`

    var description: String { rawValue }
}
