/// A set that keeps only the newest elements inserted, at most a bound of them: how the
/// master remembers the agents it removed. Inserting is amortised O(1), as in
/// `RecentHistory`: the order of insertion is trimmed in batches.
public struct RecentSet<Element: Hashable>: Sendable where Element: Sendable {
    private var members: Set<Element> = []
    private var order: [Element] = []
    private var start = 0

    public init() {}

    public var count: Int { members.count }

    public func contains(_ element: Element) -> Bool { members.contains(element) }

    /// Inserts `element` (a member already is left where it is), then forgets the oldest
    /// beyond `bound`.
    public mutating func insert(_ element: Element, keeping bound: Int) {
        guard members.insert(element).inserted else { return }
        order.append(element)
        while order.count - start > bound {
            members.remove(order[start])
            start += 1
        }
        if start > 0 && start >= bound {
            order.removeFirst(start)
            start = 0
        }
    }
}
