import ClusterEdge
import ClusterProtocol
import Logging
import NIOConcurrencyHelpers
import Synchronization

/// Sends the scheduler's calls to the master in order, on a task of its own, so that a
/// master slow to answer (or gone without closing the connection) holds up neither Keeper
/// writes nor users' changes. A call unanswered within `callTimeout` is given up (the
/// scheduler's kill retries, launch timeout and reconciliation recover what it carried);
/// at most `callsQueuedMax` wait, and one more is dropped with a warning.
final class CallSender: Sendable {
    static let callsQueuedMax = 10_000
    static let callTimeout: Duration = .seconds(10)

    private let queue: AsyncStream<Mesos.SchedulerCall>.Continuation
    private let worker: Task<Void, Never>
    private let logger: Logger
    /// Calls queued and not yet answered or given up (a queue depth metric).
    private let waiting = WaitingCalls()
    var waitingCount: Int { waiting.count.load(ordering: .relaxed) }

    init(
        send: @escaping @Sendable (Mesos.SchedulerCall) async throws -> Void, timeout: Duration = callTimeout,
        logger: Logger
    ) {
        self.logger = logger
        let (stream, queue) = AsyncStream.makeStream(
            of: Mesos.SchedulerCall.self, bufferingPolicy: .bufferingOldest(Self.callsQueuedMax))
        self.queue = queue
        let waiting = self.waiting
        worker = Task {
            for await call in stream {
                if let problem = await Self.answer(call, send, timeout: timeout) {
                    logger.warning("Could not send \(call.type.rawValue) to the master: \(problem)")
                }
                waiting.count.subtract(1, ordering: .relaxed)
            }
        }
    }

    func enqueue(_ call: Mesos.SchedulerCall) {
        // Counted before the worker can take it, and uncounted if it was not queued.
        waiting.count.add(1, ordering: .relaxed)
        let result = queue.yield(call)
        if case .enqueued = result { return }
        waiting.count.subtract(1, ordering: .relaxed)
        if case .dropped = result {
            logger.warning(
                "Dropped a \(call.type.rawValue) call: \(Self.callsQueuedMax) calls wait for a master that does not answer"
            )
        }
    }

    /// Sends nothing more (the term ended).
    func stop() {
        queue.finish()
        worker.cancel()
    }

    /// Sends one call; nil once answered, else why not. The wait ends at `timeout` even if
    /// the send does not (a connection that hangs keeps only its own task).
    private static func answer(
        _ call: Mesos.SchedulerCall, _ send: @escaping @Sendable (Mesos.SchedulerCall) async throws -> Void,
        timeout: Duration
    ) async -> String? {
        await withCheckedContinuation { (continuation: CheckedContinuation<String?, Never>) in
            let pending = NIOLockedValueBox<CheckedContinuation<String?, Never>?>(continuation)
            let finish: @Sendable (String?) -> Void = { outcome in
                pending.withLockedValue { $0.take() }?.resume(returning: outcome)
            }
            let timer = Task {
                try? await Task.sleep(for: timeout)
                finish("no answer within \(timeout)")
            }
            Task {
                do {
                    try await send(call)
                    finish(nil)
                } catch {
                    finish("\(error)")
                }
                timer.cancel()
            }
        }
    }
}

/// How many calls wait in a sender, shared with its worker task.
private final class WaitingCalls: Sendable {
    let count = Atomic<Int>(0)
}
