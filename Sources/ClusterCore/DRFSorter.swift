/// Hierarchical Dominant Resource Fairness (Ghodsi et al., NSDI 2011; Mesos' `DRFSorter`,
/// two levels): roles by their dominant share of the cluster divided by their weight, then,
/// inside a role, frameworks by their own dominant share. The client furthest below its
/// fair share comes first; equal shares go by name.
///
/// Shares count scalar resources only, as Mesos' do; ports and sets are not shared fairly.
/// Mesos nests roles by path (`a/b`); roles here are flat, and a framework's weight is
/// whatever the allocator passes (one).
public struct DRFSorter: Sorter {
    public init() {}

    public func sortRoles(_ roles: [SortClient], total: ScalarQuantities) -> [String] {
        Self.order(roles, total: total)
    }

    public func sortFrameworks(_ frameworks: [SortClient], role: String, total: ScalarQuantities) -> [String] {
        Self.order(frameworks, total: total)
    }
}
