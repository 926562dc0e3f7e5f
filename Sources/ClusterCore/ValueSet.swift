/// A set resource value (Mesos' `Value.Set`, e.g. `labels:{a,b}`), kept as a sorted array
/// without duplicates so that its order — in descriptions, in offers — is always the same.
public struct ValueSet: Hashable, Sendable, CustomStringConvertible {
    /// The items, sorted, each once.
    public private(set) var items: [String]

    public init() { items = [] }

    public init(_ items: [String]) {
        var sorted = items.sorted()
        sorted.removeDuplicates()
        self.items = sorted
    }

    public var isEmpty: Bool { items.isEmpty }

    public func contains(_ item: String) -> Bool { binarySearch(item) != nil }

    /// True if every item of `other` is here.
    public func contains(_ other: ValueSet) -> Bool {
        other.items.allSatisfy { contains($0) }
    }

    public func union(_ other: ValueSet) -> ValueSet { ValueSet(items + other.items) }

    public func subtracting(_ other: ValueSet) -> ValueSet {
        var result = ValueSet()
        result.items = items.filter { !other.contains($0) }
        return result
    }

    /// `{a, b}`, Mesos' notation.
    public var description: String { "{" + items.joined(separator: ", ") + "}" }

    private func binarySearch(_ item: String) -> Int? {
        var low = 0
        var high = items.count
        while low < high {
            let middle = (low + high) / 2
            if items[middle] < item { low = middle + 1 } else { high = middle }
        }
        return low < items.count && items[low] == item ? low : nil
    }
}

extension Array where Element: Equatable {
    /// Drops each element equal to the one before it (on a sorted array: all duplicates).
    fileprivate mutating func removeDuplicates() {
        var kept: [Element] = []
        kept.reserveCapacity(count)
        for element in self where kept.last != element { kept.append(element) }
        self = kept
    }
}
