/// The newest elements appended, at most a bound of them, oldest first: what the master
/// keeps of removed tasks and frameworks for its state endpoints.
///
/// Appending is amortised O(1). The oldest elements are dropped in batches, once as many
/// have expired as the bound holds, not one shift of the whole history per append: a
/// framework torn down with 10,000 tasks used to move a full history of 1,000 task records
/// once per task.
public struct RecentHistory<Element>: RandomAccessCollection {
    private var storage: [Element] = []
    private var start = 0

    public init() {}

    public var startIndex: Int { 0 }
    public var endIndex: Int { storage.count - start }
    public subscript(position: Int) -> Element { storage[start + position] }

    /// Appends `element`, then drops the oldest beyond `bound`.
    public mutating func append(_ element: Element, keeping bound: Int) {
        storage.append(element)
        if count > bound { start += count - bound }
        if start > 0 && start >= bound {
            storage.removeFirst(start)
            start = 0
        }
    }
}

extension RecentHistory: Sendable where Element: Sendable {}
