/// The order in which the allocator offers resources (Mesos' allocator `Sorter`): first the
/// roles, then, inside the role at hand, its frameworks. A sorter is a pure function of the
/// allocations it is shown; the allocator keeps the books and asks again whenever they change.
///
/// Mesos keeps a tree of clients inside each sorter and updates it on every allocation;
/// here the allocator passes the clients in, which keeps one owner for the accounting.
public protocol Sorter: Sendable {
    /// The policy's name, as `--allocator` takes it and `/master/state` reports it.
    var name: String { get }

    /// Where a role stands: roles are offered to in ascending key order.
    func roleKey(_ role: SortClient, total: ScalarQuantities) -> SortKey

    /// Where a framework stands among its role's frameworks.
    func frameworkKey(_ framework: SortClient, role: String, total: ScalarQuantities) -> SortKey
}

extension Sorter {
    /// Role names, the one to offer to first first.
    public func sortRoles(_ roles: [SortClient], total: ScalarQuantities) -> [String] {
        roles.map { roleKey($0, total: total) }.sorted().map(\.name)
    }

    /// The names of one role's frameworks, the one to offer to first first.
    public func sortFrameworks(_ frameworks: [SortClient], role: String, total: ScalarQuantities) -> [String] {
        frameworks.map { frameworkKey($0, role: role, total: total) }.sorted().map(\.name)
    }
}

/// A client's place in a sorter's order: by `rank`, then by weighted dominant share, then
/// by name — the deterministic tie-break (Mesos breaks share ties by allocation count, then
/// name). A client's key depends on its own allocation only, so when one client's
/// allocation changes the allocator moves that one client instead of sorting them all.
public struct SortKey: Comparable, Sendable {
    public var rank: Int
    public var share: Share
    public var name: String

    public init(rank: Int = 0, share: Share, name: String) {
        self.rank = rank
        self.share = share
        self.name = name
    }

    public static func < (a: SortKey, b: SortKey) -> Bool {
        if a.rank != b.rank { return a.rank < b.rank }
        if a.share != b.share { return a.share < b.share }
        return a.name < b.name
    }

    public static func == (a: SortKey, b: SortKey) -> Bool {
        a.rank == b.rank && a.share == b.share && a.name == b.name
    }
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
    /// The weighted-DRF key, ranked `rank`.
    static func drfKey(_ client: SortClient, total: ScalarQuantities, rank: Int = 0) -> SortKey {
        SortKey(rank: rank, share: client.share(of: total), name: client.name)
    }
}
