/// A priority queue of timed events, earliest first; events at the same time keep the order
/// they were scheduled in, so a run depends only on its seed.
///
/// The heap orders small keys (time, sequence) and moves the events alongside: a
/// simulation's events can be large values, and comparing must not copy them.
public struct EventQueue<Event>: Sendable where Event: Sendable {
    private var keys: [(time: Int64, sequence: Int)] = []
    private var events: [Event] = []
    private var sequence = 0

    public init() {}

    public var isEmpty: Bool { keys.isEmpty }
    public var count: Int { keys.count }
    public var nextTime: Int64? { keys.first?.time }

    public mutating func schedule(_ event: Event, at time: Int64) {
        keys.append((time, sequence))
        events.append(event)
        sequence += 1
        var child = keys.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard less(child, parent) else { break }
            swap(child, parent)
            child = parent
        }
    }

    public mutating func pop() -> (time: Int64, event: Event)? {
        guard !keys.isEmpty else { return nil }
        swap(0, keys.count - 1)
        let time = keys.removeLast().time
        let event = events.removeLast()
        var parent = 0
        while true {
            let left = 2 * parent + 1
            let right = left + 1
            var smallest = parent
            if left < keys.count && less(left, smallest) { smallest = left }
            if right < keys.count && less(right, smallest) { smallest = right }
            guard smallest != parent else { break }
            swap(parent, smallest)
            parent = smallest
        }
        return (time, event)
    }

    private func less(_ a: Int, _ b: Int) -> Bool {
        keys[a].time != keys[b].time ? keys[a].time < keys[b].time : keys[a].sequence < keys[b].sequence
    }

    private mutating func swap(_ a: Int, _ b: Int) {
        keys.swapAt(a, b)
        events.swapAt(a, b)
    }
}
