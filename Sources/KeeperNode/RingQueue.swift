/// A first-in first-out queue over an array, with amortised O(1) removal at the front.
struct RingQueue<Element> {
    private var storage: [Element] = []
    private var head = 0

    var count: Int { storage.count - head }
    var isEmpty: Bool { head == storage.count }
    var first: Element? { isEmpty ? nil : storage[head] }

    mutating func append(_ element: Element) { storage.append(element) }

    mutating func popFirst() -> Element? {
        guard !isEmpty else { return nil }
        let element = storage[head]
        head += 1
        if head > 64 && head * 2 > storage.count {
            storage.removeFirst(head)
            head = 0
        }
        return element
    }

    mutating func updateFirst(_ body: (inout Element) -> Void) {
        guard !isEmpty else { return }
        body(&storage[head])
    }

    mutating func removeAll() {
        storage.removeAll()
        head = 0
    }
}

extension RingQueue: Sendable where Element: Sendable {}
