/// Hierarchical Dominant Resource Fairness (Ghodsi et al., NSDI 2011; Mesos' `DRFSorter`,
/// two levels): roles by their dominant share of the cluster divided by their weight, then,
/// inside a role, frameworks by their own dominant share. The client furthest below its
/// fair share comes first; equal shares go by name.
///
/// Shares count scalar resources only, as Mesos' do; ports and sets are not shared fairly.
/// Mesos nests roles by path (`a/b`); roles here are flat, and a framework's weight is
/// whatever the allocator passes (one).
public struct DRFSorter: Sorter {
    public var name: String { "drf" }

    public init() {}

    public func roleKey(_ role: SortClient, total: ScalarQuantities) -> SortKey {
        Self.drfKey(role, total: total)
    }

    public func frameworkKey(_ framework: SortClient, role: String, total: ScalarQuantities) -> SortKey {
        Self.drfKey(framework, total: total)
    }
}
