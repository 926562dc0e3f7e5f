/// A dictionary that keeps only the newest entries set, at most a bound of them: how the
/// master keeps each partition-aware framework's unreachable tasks (Mesos'
/// `--max_unreachable_tasks_per_framework`). Setting is amortised O(1), as in `RecentSet`;
/// an entry removed or set again leaves a stale mark in the order, skipped when trimmed.
public struct RecentMap<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    private var entries: [Key: (value: Value, serial: Int)] = [:]
    private var order: [(key: Key, serial: Int)] = []
    private var start = 0
    private var nextSerial = 0

    public init() {}

    public var count: Int { entries.count }
    public var isEmpty: Bool { entries.isEmpty }

    public subscript(key: Key) -> Value? { entries[key]?.value }

    /// The values, in no particular order.
    public var values: [Value] { entries.values.map(\.value) }

    /// Sets `value` as the newest entry, then drops the oldest beyond `bound`.
    public mutating func set(_ key: Key, _ value: Value, keeping bound: Int) {
        entries[key] = (value, nextSerial)
        order.append((key, nextSerial))
        nextSerial += 1
        while entries.count > bound, start < order.count {
            let oldest = order[start]
            start += 1
            if entries[oldest.key]?.serial == oldest.serial { entries[oldest.key] = nil }
        }
        compact()
    }

    @discardableResult
    public mutating func removeValue(forKey key: Key) -> Value? {
        let removed = entries.removeValue(forKey: key)?.value
        compact()
        return removed
    }

    /// Drops the order's stale marks once they outnumber the live entries.
    private mutating func compact() {
        guard order.count - start > 2 * entries.count + 16 || start > order.count / 2 else { return }
        order = order[start...].filter { entries[$0.key]?.serial == $0.serial }
        start = 0
    }
}
