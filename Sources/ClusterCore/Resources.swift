/// A collection of resources with exact arithmetic, as Mesos' `Resources` class: resources
/// with the same name, role and kind merge (scalars add, ranges and sets unite), empty ones
/// vanish, and the entries are kept sorted by name, role and kind, so two collections
/// holding the same resources are equal and describe themselves the same way.
///
/// Subtraction throws `InsufficientResources` instead of trapping or going negative: what
/// is subtracted often comes from outside (a framework's ACCEPT naming more than it was
/// offered), and bad input must be an error, not a crash. Code that knows the subtraction
/// holds (an invariant) says so with `removing(_:)`, which traps.
public struct Resources: Hashable, Sendable, CustomStringConvertible {
    /// The resources, sorted by key, one per key, none empty.
    public private(set) var entries: [Resource]

    public init() { entries = [] }

    /// The sum of `resources`, in any order, with repeats.
    public init(_ resources: [Resource]) {
        entries = []
        for resource in resources { add(resource) }
    }

    public var isEmpty: Bool { entries.isEmpty }

    public mutating func add(_ resource: Resource) {
        guard !resource.isEmpty else { return }
        switch search(resource.key) {
        case .found(let index):
            entries[index].value = ResourceValue.sum(entries[index].value, resource.value)
        case .insertAt(let index):
            entries.insert(resource, at: index)
        }
    }

    public mutating func add(_ other: Resources) {
        for resource in other.entries { add(resource) }
    }

    public static func + (lhs: Resources, rhs: Resources) -> Resources {
        var sum = lhs
        sum.add(rhs)
        return sum
    }

    /// True if this collection holds everything in `other` (⊇).
    public func contains(_ other: Resources) -> Bool {
        other.entries.allSatisfy { contains($0) }
    }

    public func contains(_ resource: Resource) -> Bool {
        guard !resource.isEmpty else { return true }
        guard case .found(let index) = search(resource.key) else { return false }
        return ResourceValue.contains(entries[index].value, resource.value)
    }

    /// Takes `other` away; throws, changing nothing, if it is not all here.
    public mutating func subtract(_ other: Resources) throws(InsufficientResources) {
        if let missing = other.entries.first(where: { !contains($0) }) {
            throw InsufficientResources(requested: missing, held: self[missing.key])
        }
        for resource in other.entries { remove(resource) }
    }

    public func subtracting(_ other: Resources) throws(InsufficientResources) -> Resources {
        var difference = self
        try difference.subtract(other)
        return difference
    }

    /// Takes away `other`, which the caller knows is all here: traps otherwise.
    public func removing(_ other: Resources) -> Resources {
        do {
            return try subtracting(other)
        } catch {
            preconditionFailure("removing \(other) from \(self): \(error)")
        }
    }

    /// What both collections hold: per name, role and kind the smaller scalar, the common
    /// ranges, the common set items. How an ACCEPT naming several offers splits what its
    /// tasks use among them.
    public func intersection(_ other: Resources) -> Resources {
        var common = Resources()
        for resource in entries {
            guard let theirs = other[resource.key] else { continue }
            var shared = resource
            switch (resource.value, theirs.value) {
            case (.scalar(let mine), .scalar(let their)): shared.value = .scalar(min(mine, their))
            case (.ranges(let mine), .ranges(let their)):
                shared.value = .ranges(mine.subtracting(mine.subtracting(their)))
            case (.set(let mine), .set(let their)): shared.value = .set(mine.subtracting(mine.subtracting(their)))
            default: continue
            }
            common.add(shared)
        }
        return common
    }

    /// The entry with this key, if any.
    public subscript(key: ResourceKey) -> Resource? {
        guard case .found(let index) = search(key) else { return nil }
        return entries[index]
    }

    public func filter(_ isIncluded: (Resource) -> Bool) -> Resources {
        var result = Resources()
        result.entries = entries.filter(isIncluded)
        return result
    }

    public func named(_ name: String) -> Resources { filter { $0.name == name } }

    public var unreserved: Resources { filter(\.isUnreserved) }

    /// What may be offered to `role`: the unreserved resources and those reserved for it.
    public func allocatable(to role: String) -> Resources {
        if entries.allSatisfy(\.isUnreserved) { return self }
        return filter { $0.isUnreserved || $0.role == role }
    }

    /// The amount of the scalar resource `name`, over all roles.
    public func scalar(_ name: String) -> Scalar {
        entries.reduce(Scalar.zero) { sum, resource in
            guard resource.name == name, case .scalar(let amount) = resource.value else { return sum }
            return sum + amount
        }
    }

    public var cpus: Scalar { scalar("cpus") }
    public var mem: Scalar { scalar("mem") }
    public var disk: Scalar { scalar("disk") }
    public var gpus: Scalar { scalar("gpus") }

    /// The scalar amounts by name over all roles: what the sorters count.
    public var scalarQuantities: ScalarQuantities {
        var quantities = ScalarQuantities()
        for resource in entries {
            if case .scalar(let amount) = resource.value { quantities.add(resource.name, amount) }
        }
        return quantities
    }

    /// `cpus:4; mem:4096; ports:[31000-32000]` — the agent `--resources` notation, which
    /// `Resources(parsing:)` reads back to an equal collection.
    public var description: String { entries.map(\.description).joined(separator: "; ") }

    private mutating func remove(_ resource: Resource) {
        guard !resource.isEmpty else { return }
        guard case .found(let index) = search(resource.key) else {
            preconditionFailure("remove \(resource) from \(self)")
        }
        let rest = ResourceValue.difference(entries[index].value, resource.value)
        if rest.isEmpty {
            entries.remove(at: index)
        } else {
            entries[index].value = rest
        }
    }

    private enum Position {
        case found(Int)
        case insertAt(Int)
    }

    private func search(_ key: ResourceKey) -> Position {
        var low = 0
        var high = entries.count
        while low < high {
            let middle = (low + high) / 2
            if entries[middle].key < key { low = middle + 1 } else { high = middle }
        }
        return low < entries.count && entries[low].key == key ? .found(low) : .insertAt(low)
    }
}

/// A subtraction asked for more than was held.
public struct InsufficientResources: Error, Equatable, CustomStringConvertible {
    /// The first requested resource that is not all there.
    public var requested: Resource
    /// What is held under the same name, role and kind; nil if nothing.
    public var held: Resource?

    public init(requested: Resource, held: Resource?) {
        self.requested = requested
        self.held = held
    }

    public var description: String {
        "\(requested) requested, " + (held.map { "\($0) held" } ?? "none held")
    }
}

extension ResourceValue {
    /// The sum of two values of one kind: scalars add, ranges and sets unite.
    static func sum(_ lhs: ResourceValue, _ rhs: ResourceValue) -> ResourceValue {
        switch (lhs, rhs) {
        case (.scalar(let a), .scalar(let b)): .scalar(a + b)
        case (.ranges(let a), .ranges(let b)): .ranges(a.union(b))
        case (.set(let a), .set(let b)): .set(a.union(b))
        default: preconditionFailure("adding \(rhs) to \(lhs) of another kind")
        }
    }

    /// `lhs` without `rhs`, which it contains.
    static func difference(_ lhs: ResourceValue, _ rhs: ResourceValue) -> ResourceValue {
        switch (lhs, rhs) {
        case (.scalar(let a), .scalar(let b)): .scalar(a - b)
        case (.ranges(let a), .ranges(let b)): .ranges(a.subtracting(b))
        case (.set(let a), .set(let b)): .set(a.subtracting(b))
        default: preconditionFailure("subtracting \(rhs) from \(lhs) of another kind")
        }
    }

    static func contains(_ lhs: ResourceValue, _ rhs: ResourceValue) -> Bool {
        switch (lhs, rhs) {
        case (.scalar(let a), .scalar(let b)): b <= a
        case (.ranges(let a), .ranges(let b)): a.contains(b)
        case (.set(let a), .set(let b)): a.contains(b)
        default: false
        }
    }
}
