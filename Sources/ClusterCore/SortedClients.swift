/// Clients kept in their sorter's order as their allocations change: when one client's key
/// changes it is moved (its new place found by binary search, the clients in between
/// shifted by one), not the whole list sorted again. Mesos' sorters keep a tree for the same
/// reason.
///
/// Clients are numbered `0..<count` in the order given. Names break ties, so each client's
/// name is turned into its rank among the names once, at the start: every comparison after
/// that is of integers and shares, with no text and no hashing.
struct SortedClients {
    /// A client's place: `SortKey` with the name replaced by its rank among the names.
    private struct Entry: Comparable {
        var rank: Int
        var share: Share
        var nameOrder: Int
        var client: Int

        static func < (a: Entry, b: Entry) -> Bool {
            if a.rank != b.rank { return a.rank < b.rank }
            if a.share != b.share { return a.share < b.share }
            return a.nameOrder < b.nameOrder
        }
    }

    /// In the sorter's order.
    private var order: [Entry]
    /// By client number: its entry as it stands in `order`.
    private var entries: [Entry]

    /// `keys[i]` is client `i`'s key; names must differ.
    init(_ keys: [SortKey]) {
        let byName = keys.indices.sorted { keys[$0].name < keys[$1].name }
        var nameOrder = [Int](repeating: 0, count: keys.count)
        for (position, client) in byName.enumerated() { nameOrder[client] = position }
        entries = keys.indices.map { client in
            Entry(rank: keys[client].rank, share: keys[client].share, nameOrder: nameOrder[client], client: client)
        }
        order = entries.sorted()
    }

    var count: Int { order.count }

    /// The number of the client at `position` in the sorter's order.
    func client(at position: Int) -> Int { order[position].client }

    /// All client numbers, the first in the sorter's order first.
    var clients: [Int] { order.map(\.client) }

    /// Gives `client` its new key (whose name is the client's own).
    mutating func update(_ client: Int, to key: SortKey) {
        let old = entries[client]
        let new = Entry(rank: key.rank, share: key.share, nameOrder: old.nameOrder, client: client)
        entries[client] = new
        var at = position(of: old, in: 0..<order.count)
        precondition(at < order.count && order[at] == old, "client \(key.name) is not where its key says")
        if old < new {
            let target = position(of: new, in: (at + 1)..<order.count) - 1
            while at < target {
                order[at] = order[at + 1]
                at += 1
            }
        } else {
            let target = position(of: new, in: 0..<at)
            while at > target {
                order[at] = order[at - 1]
                at -= 1
            }
        }
        order[at] = new
    }

    /// The first index in `range` whose entry is not below `entry`.
    private func position(of entry: Entry, in range: Range<Int>) -> Int {
        var low = range.lowerBound
        var high = range.upperBound
        while low < high {
            let middle = (low + high) / 2
            if order[middle] < entry { low = middle + 1 } else { high = middle }
        }
        return low
    }
}
