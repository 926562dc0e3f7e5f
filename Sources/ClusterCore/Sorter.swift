/// The order in which the allocator offers resources (Mesos' allocator `Sorter`): first the
/// roles, then, inside the role at hand, its frameworks. A sorter is a pure function of the
/// allocations it is shown; the allocator keeps the books and asks again whenever they change.
///
/// Mesos keeps a tree of clients inside each sorter and updates it on every allocation;
/// here the allocator passes the clients in, which keeps one owner for the accounting.
public protocol Sorter: Sendable {
    /// Role names, the one to offer to first first.
    func sortRoles(_ roles: [SortClient], total: ScalarQuantities) -> [String]

    /// The names of one role's frameworks, the one to offer to first first.
    func sortFrameworks(_ frameworks: [SortClient], role: String, total: ScalarQuantities) -> [String]
}

/// A role or a framework as a sorter sees it: its name, its weight and the scalar
/// resources allocated to it (offered or in use) across the cluster.
public struct SortClient: Hashable, Sendable {
    public var name: String
    public var weight: Weight
    public var allocated: ScalarQuantities

    public init(name: String, weight: Weight = .one, allocated: ScalarQuantities = ScalarQuantities()) {
        self.name = name
        self.weight = weight
        self.allocated = allocated
    }

    /// The client's dominant share of `total`, divided by its weight.
    public func share(of total: ScalarQuantities) -> Share {
        Share.dominant(allocated: allocated, total: total, weight: weight)
    }
}

extension Sorter {
    /// The clients ordered by `rank`, then by weighted dominant share, then by name — the
    /// deterministic tie-break (Mesos breaks share ties by allocation count, then name).
    static func order(
        _ clients: [SortClient], total: ScalarQuantities, rank: (String) -> Int = { _ in 0 }
    ) -> [String] {
        let keyed = clients.map { (rank: rank($0.name), share: $0.share(of: total), name: $0.name) }
        return keyed.sorted { a, b in
            if a.rank != b.rank { return a.rank < b.rank }
            if a.share != b.share { return a.share < b.share }
            return a.name < b.name
        }.map(\.name)
    }
}
