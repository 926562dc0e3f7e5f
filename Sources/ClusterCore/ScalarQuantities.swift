/// Scalar amounts by resource name, roles and non-scalar resources left out: what the
/// sorters compare (a cluster's total, a role's or a framework's allocation) and what the
/// allocator's minimum allocatable thresholds are made of (Mesos' `ResourceQuantities`).
///
/// Entries are kept sorted by name with no zero amounts, so equal quantities are equal
/// values and every walk over them goes in the same order.
public struct ScalarQuantities: Hashable, Sendable, CustomStringConvertible {
    public struct Entry: Hashable, Sendable {
        public var name: String
        public var amount: Scalar
    }

    /// Sorted by name, none zero.
    public private(set) var entries: [Entry] = []

    public init() {}

    public init(_ amounts: [(String, Scalar)]) {
        for (name, amount) in amounts { add(name, amount) }
    }

    public var isEmpty: Bool { entries.isEmpty }

    public subscript(name: String) -> Scalar {
        guard let index = index(of: name) else { return .zero }
        return entries[index].amount
    }

    public mutating func add(_ name: String, _ amount: Scalar) {
        guard !amount.isZero else { return }
        if let index = index(of: name) {
            entries[index].amount += amount
        } else {
            let at = entries.firstIndex { $0.name > name } ?? entries.count
            entries.insert(Entry(name: name, amount: amount), at: at)
        }
    }

    public mutating func add(_ other: ScalarQuantities) {
        for entry in other.entries { add(entry.name, entry.amount) }
    }

    /// Takes `other` away; it must be here (the caller's accounting says so).
    public mutating func remove(_ other: ScalarQuantities) {
        for entry in other.entries {
            guard let index = index(of: entry.name) else {
                preconditionFailure("removing \(other) from \(self): no \(entry.name)")
            }
            precondition(entry.amount <= entries[index].amount, "removing \(other) from \(self)")
            entries[index].amount -= entry.amount
            if entries[index].amount.isZero { entries.remove(at: index) }
        }
    }

    /// True if every amount of `other` is covered here.
    public func contains(_ other: ScalarQuantities) -> Bool {
        other.entries.allSatisfy { $0.amount <= self[$0.name] }
    }

    public var description: String {
        entries.map { "\($0.name):\($0.amount)" }.joined(separator: "; ")
    }

    private func index(of name: String) -> Int? { entries.firstIndex { $0.name == name } }
}
