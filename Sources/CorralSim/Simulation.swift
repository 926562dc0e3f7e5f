/// What every simulation shares: a seed, simulated time, a queue of timed events handled one
/// at a time, and a trace. A simulation says how to handle an event and what must hold once
/// its faults have healed; this runs it and reports a broken guarantee as a `Violation`.
public protocol Simulation {
    associatedtype Event: Sendable
    var seed: UInt64 { get }
    var now: Int64 { get set }
    var queue: EventQueue<Event> { get set }
    var trace: Trace { get set }
    /// Handles one event, checking what must hold after it; throws a `Violation`.
    mutating func handle(_ event: Event) throws
}

extension Simulation {
    /// Handles every event due up to `end`, in time order; leaves `now` at `end`.
    public mutating func runEvents(through end: Int64) throws {
        while let time = queue.nextTime, time <= end {
            let (at, event) = queue.pop()!
            now = at
            try handle(event)
        }
        now = max(now, end)
    }

    public mutating func note(_ text: String) { trace.note(text, at: now) }

    public func violation(_ message: String) -> Violation {
        Violation(seed: seed, time: now, message: message, recent: trace.recent)
    }
}
