import NIOConcurrencyHelpers

/// A first-in first-out queue that one consumer empties in batches: everything that waits,
/// up to a batch's worth, in one `next`. What a sender that posts one call per request
/// would send one by one goes in one request once calls come faster than requests return.
///
/// At most `bound` elements wait; posting past it drops the oldest (the caller's protocol
/// must make up for them, as the agent's status updates are retried).
public final class BatchQueue<Element: Sendable>: Sendable {
    public let bound: Int
    private let state = NIOLockedValueBox(State())

    private struct State {
        var waiting: [Element] = []
        /// Elements dropped at the front of `waiting`, not yet compacted away.
        var head = 0
        var finished = false
        var consumer: CheckedContinuation<[Element]?, Never>?
        /// The batch size the waiting consumer asked for.
        var consumerMax = 1
        var dropped = 0

        var count: Int { waiting.count - head }

        mutating func take(_ max: Int) -> [Element] {
            let end = head + min(max, count)
            let batch = Array(waiting[head..<end])
            head = end
            if head == waiting.count {
                waiting.removeAll(keepingCapacity: true)
                head = 0
            } else if head > 1024 && head * 2 > waiting.count {
                waiting.removeFirst(head)
                head = 0
            }
            return batch
        }
    }

    public init(bound: Int) {
        precondition(bound > 0, "a batch queue holds at least one element")
        self.bound = bound
    }

    /// How many elements posting has dropped since the queue was made.
    public var dropped: Int { state.withLockedValue { $0.dropped } }

    /// Queues `element`; false once the queue is finished.
    @discardableResult
    public func post(_ element: Element) -> Bool {
        let (accepted, handOver) = state.withLockedValue {
            state -> (Bool, (CheckedContinuation<[Element]?, Never>, [Element])?) in
            guard !state.finished else { return (false, nil) }
            state.waiting.append(element)
            if state.count > bound {
                state.head += 1
                state.dropped += 1
            }
            guard let consumer = state.consumer else { return (true, nil) }
            state.consumer = nil
            return (true, (consumer, state.take(state.consumerMax)))
        }
        if let (consumer, batch) = handOver { consumer.resume(returning: batch) }
        return accepted
    }

    /// The oldest waiting elements, at most `max`; waits while none are. Nil once the queue
    /// is finished and empty, or when the calling task is cancelled (which finishes it).
    public func next(max: Int) async -> [Element]? {
        precondition(max > 0, "a batch holds at least one element")
        return await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let ready = state.withLockedValue { state -> [Element]?? in
                    if state.count > 0 { return .some(state.take(max)) }
                    if state.finished { return .some(nil) }
                    state.consumer = continuation
                    state.consumerMax = max
                    return .none
                }
                if case .some(let batch) = ready { continuation.resume(returning: batch) }
            }
        } onCancel: {
            finish()
        }
    }

    /// No more elements: the consumer gets what waits, then nil.
    public func finish() {
        let consumer = state.withLockedValue { state in
            state.finished = true
            defer { state.consumer = nil }
            return state.count == 0 ? state.consumer : nil
        }
        consumer?.resume(returning: nil)
    }
}
