import KeeperProtocol

/// Interns ACL lists, as ZooKeeper's `ReferenceCountedACLCache` does: most znodes share a
/// handful of lists, so a node stores a small reference and the table keeps one copy of each
/// list with a count of the nodes that use it. A list is dropped when its count reaches zero.
public struct ACLTable: Sendable {
    public typealias Ref = Int32

    private var lists: [Ref: [ACL]] = [:]
    private var counts: [Ref: Int] = [:]
    private var refs: [[ACL]: Ref] = [:]
    private var nextRef: Ref = 1

    public init() {}

    /// A table read back from a snapshot: the lists with their references, and the number of
    /// nodes using each (a list no node uses is dropped).
    public init(restoring lists: [Ref: [ACL]], uses: [Ref: Int]) {
        for (ref, acl) in lists {
            guard let count = uses[ref], count > 0 else { continue }
            self.lists[ref] = acl
            self.refs[acl] = ref
            self.counts[ref] = count
        }
        nextRef = (lists.keys.max() ?? 0) + 1
    }

    /// Every list in use with its reference, for writing a snapshot.
    public var all: [Ref: [ACL]] { lists }

    /// The number of distinct lists in use.
    public var count: Int { lists.count }

    /// The reference for `acl`, adding one use.
    public mutating func retain(_ acl: [ACL]) -> Ref {
        if let ref = refs[acl] {
            counts[ref, default: 0] += 1
            return ref
        }
        let ref = nextRef
        nextRef += 1
        lists[ref] = acl
        refs[acl] = ref
        counts[ref] = 1
        return ref
    }

    /// Drops one use of `ref`.
    public mutating func release(_ ref: Ref) {
        guard let count = counts[ref] else {
            preconditionFailure("release of unknown ACL reference \(ref)")
        }
        if count > 1 {
            counts[ref] = count - 1
            return
        }
        counts[ref] = nil
        if let acl = lists.removeValue(forKey: ref) { refs[acl] = nil }
    }

    public func acl(_ ref: Ref) -> [ACL] {
        guard let acl = lists[ref] else { preconditionFailure("lookup of unknown ACL reference \(ref)") }
        return acl
    }
}
