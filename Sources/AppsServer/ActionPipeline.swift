import AppsCore
import ClusterProtocol
import NIOConcurrencyHelpers

/// Carries out the scheduler's actions in the order the scheduler made them, one batch
/// after another, on one task, unit by unit (`AppsAction.units`): the store operations
/// between two calls or probes are one Keeper multi, written before the events and log
/// lines among them and before any call that follows (a task is in Keeper before it is
/// launched); calls go to `CallSender`, which does not hold the pipeline up. A step's caller may wait for its batch (`waitUntilDone`): a
/// user's change is answered once Keeper has it.
///
/// A store write that fails ends the pipeline: the leader cannot know what Keeper holds,
/// so it must step down (`failed` says why) and a new leader reads Keeper afresh. Every
/// batch after it is dropped and its waiters told so.
final class ActionPipeline: Sendable {
    /// Batches queued and not yet carried out before users' changes are refused (503,
    /// checked before a change is stepped: a stepped change's actions are never dropped).
    /// The master's stream, the timers and the probes each wait for their batch, so only
    /// concurrent user requests can pile up.
    static let batchesQueuedMax = 256

    struct Effects: Sendable {
        var write: @Sendable ([AppsStoreOperation]) async throws -> Void
        var send: @Sendable (Mesos.SchedulerCall) -> Void
        var publish: @Sendable (AppsEvent) -> Void
        var probe: @Sendable (HealthProbe) -> Void
        var log: @Sendable (String) -> Void
    }

    private let effects: Effects
    private let state = NIOLockedValueBox(State())
    private let failure: @Sendable (String) -> Void

    private struct State {
        var queue: [(ticket: Int, actions: [AppsAction])] = []
        var nextTicket = 1
        /// Every batch up to this ticket is done.
        var doneThrough = 0
        var failed: String?
        var running = false
        var waiters: [(ticket: Int, continuation: CheckedContinuation<Bool, Never>)] = []
    }

    /// `failed` runs once, with the reason, when a store write fails.
    init(effects: Effects, failed: @escaping @Sendable (String) -> Void) {
        self.effects = effects
        self.failure = failed
    }

    /// Batches waiting to be carried out (a queue depth metric).
    var queuedCount: Int { state.withLockedValue { $0.queue.count } }

    /// True while fewer than `batchesQueuedMax` batches wait.
    var hasRoom: Bool { state.withLockedValue { $0.queue.count < Self.batchesQueuedMax } }

    /// True once a write failed or the term ended: nothing more is carried out.
    var isStopped: Bool { state.withLockedValue { $0.failed != nil } }

    /// Queues a step's actions; the ticket to wait for, or nil when the pipeline stopped.
    func enqueue(_ actions: [AppsAction]) -> Int? {
        let (ticket, start) = state.withLockedValue { state -> (Int?, Bool) in
            guard state.failed == nil else { return (nil, false) }
            let ticket = state.nextTicket
            state.nextTicket += 1
            state.queue.append((ticket, actions))
            let start = !state.running
            state.running = true
            return (ticket, start)
        }
        if start { Task { await self.drain() } }
        return ticket
    }

    /// Waits until the batch of `ticket` is carried out: true, or false if the pipeline
    /// failed first.
    func waitUntilDone(_ ticket: Int) async -> Bool {
        await withCheckedContinuation { continuation in
            let answer = state.withLockedValue { state -> Bool? in
                if ticket <= state.doneThrough { return true }
                if state.failed != nil { return false }
                state.waiters.append((ticket, continuation))
                return nil
            }
            if let answer { continuation.resume(returning: answer) }
        }
    }

    /// Stops: nothing queued is carried out (this leader stepped down).
    func stop(_ reason: String) {
        let waiters = state.withLockedValue { state -> [CheckedContinuation<Bool, Never>] in
            if state.failed == nil { state.failed = reason }
            state.queue = []
            defer { state.waiters = [] }
            return state.waiters.map(\.continuation)
        }
        for waiter in waiters { waiter.resume(returning: false) }
    }

    private func drain() async {
        while let (ticket, actions) = next() {
            do {
                try await run(actions)
            } catch {
                let reason = "Keeper refused a write of Apps' state: \(error)"
                failure(reason)
                stop(reason)
                return
            }
            finish(ticket)
        }
    }

    private func next() -> (Int, [AppsAction])? {
        state.withLockedValue { state in
            guard state.failed == nil, !state.queue.isEmpty else {
                state.running = false
                return nil
            }
            return state.queue.removeFirst()
        }
    }

    private func finish(_ ticket: Int) {
        let ready = state.withLockedValue { state -> [CheckedContinuation<Bool, Never>] in
            state.doneThrough = ticket
            let ready = state.waiters.filter { $0.ticket <= ticket }.map(\.continuation)
            state.waiters.removeAll { $0.ticket <= ticket }
            return ready
        }
        for waiter in ready { waiter.resume(returning: true) }
    }

    private func run(_ actions: [AppsAction]) async throws {
        for unit in AppsAction.units(actions) {
            if !unit.stores.isEmpty { try await effects.write(unit.stores) }
            for action in unit.after {
                switch action {
                case .store: break
                case .call(let call): effects.send(call)
                case .publish(let event): effects.publish(event)
                case .probe(let probe): effects.probe(probe)
                case .log(let line): effects.log(line)
                }
            }
        }
    }
}
