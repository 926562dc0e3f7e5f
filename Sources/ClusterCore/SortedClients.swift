/// Clients kept in their sorter's order as their allocations change: when one client's key
/// changes it is moved (found and reinserted by binary search), not the whole list sorted
/// again. Mesos' sorters keep a tree for the same reason.
struct SortedClients {
    private(set) var keys: [SortKey]
    private var current: [String: SortKey]

    init(_ keys: [SortKey]) {
        self.keys = keys.sorted()
        current = Dictionary(keys.map { ($0.name, $0) }) { first, _ in first }
    }

    var count: Int { keys.count }

    func name(at index: Int) -> String { keys[index].name }

    /// Gives the client named `key.name` its new key.
    mutating func update(_ key: SortKey) {
        guard let old = current[key.name] else { return }
        let from = position(of: old)
        precondition(from < keys.count && keys[from] == old, "client \(key.name) is not where its key says")
        keys.remove(at: from)
        keys.insert(key, at: position(of: key))
        current[key.name] = key
    }

    /// The first index whose key is not below `key`.
    private func position(of key: SortKey) -> Int {
        var low = 0
        var high = keys.count
        while low < high {
            let middle = (low + high) / 2
            if keys[middle] < key { low = middle + 1 } else { high = middle }
        }
        return low
    }
}
