import ClusterCore

// The allocator's resources and the API's, converted both ways. What a framework sends is
// checked here, once: the core's types trap on values they cannot hold (a negative scalar,
// a range whose begin is past its end), so bad input must become a `ProtocolError` first.

extension ClusterCore.Resource {
    /// The core's view of a resource from the API: its value checked and rounded (scalars to
    /// three decimals, as `Scalar(Double)` rounds), its role the innermost reservation's role,
    /// else the deprecated `role`, else `"*"`. Throws for an empty name or role, a payload
    /// that is missing or does not match `type`, a scalar that is not a finite number in
    /// `0...Scalar.unitsMax`, a range whose begin is past its end, and TEXT resources, which
    /// Mesos does not allow either.
    public init(_ resource: Mesos.Resource) throws(ProtocolError) {
        let name = resource.name
        guard !name.isEmpty else { throw ProtocolError("resource without a name") }
        let payloads = [
            (Mesos.Value.Kind.scalar, resource.scalar != nil),
            (.ranges, resource.ranges != nil),
            (.set, resource.set != nil),
        ]
        for (kind, present) in payloads where present && kind != resource.type {
            throw ProtocolError(
                "resource '\(name)' of type \(resource.type.rawValue) carries a \(kind.rawValue.lowercased()) value")
        }
        let value: ResourceValue
        switch resource.type {
        case .scalar:
            guard let scalar = resource.scalar else {
                throw ProtocolError("resource '\(name)' of type SCALAR has no scalar")
            }
            guard let amount = Scalar(scalar.value) else {
                throw ProtocolError(
                    "resource '\(name)': scalar \(scalar.value) is not a finite number in 0...\(Scalar.unitsMax)")
            }
            value = .scalar(amount)
        case .ranges:
            guard let ranges = resource.ranges else {
                throw ProtocolError("resource '\(name)' of type RANGES has no ranges")
            }
            var closed: [ClosedRange<UInt64>] = []
            for range in ranges.range {
                guard range.begin <= range.end else {
                    throw ProtocolError("resource '\(name)': range \(range.begin)-\(range.end) begins after it ends")
                }
                closed.append(range.begin...range.end)
            }
            value = .ranges(ValueRanges(closed))
        case .set:
            guard let set = resource.set else { throw ProtocolError("resource '\(name)' of type SET has no set") }
            value = .set(ValueSet(set.item))
        case .text:
            throw ProtocolError("resource '\(name)' is of type TEXT; resources are SCALAR, RANGES or SET")
        }
        let role = resource.reservations.last?.role ?? resource.role ?? Resource.unreservedRole
        guard !role.isEmpty else { throw ProtocolError("resource '\(name)' has an empty role") }
        self.init(name: name, value: value, role: role)
    }
}

extension ClusterCore.Resources {
    /// The sum of the API's resources; throws for the first one `Resource(_:)` rejects.
    public init(_ resources: [Mesos.Resource]) throws(ProtocolError) {
        var converted: [ClusterCore.Resource] = []
        converted.reserveCapacity(resources.count)
        for resource in resources { converted.append(try ClusterCore.Resource(resource)) }
        self.init(converted)
    }
}

extension Mesos.Resource {
    /// The API's view of a core resource, readable by frameworks with and without
    /// RESERVATION_REFINEMENT: `role` is always set (`"*"` when unreserved), and a reserved
    /// resource also carries `reservations` with one STATIC entry (the core's reservations
    /// come from the agent's `--resources`). `allocationRole` fills `allocation_info`, as
    /// Mesos marks what it offers to and allocates to a role.
    public init(_ resource: ClusterCore.Resource, allocationRole: String? = nil) {
        var converted = Mesos.Resource(name: resource.name, type: .scalar)
        switch resource.value {
        case .scalar(let amount):
            converted.scalar = Mesos.Value.Scalar(value: amount.doubleValue)
        case .ranges(let ranges):
            converted.type = .ranges
            converted.ranges = Mesos.Value.Ranges(
                range: ranges.ranges.map { Mesos.Value.Range(begin: $0.lowerBound, end: $0.upperBound) })
        case .set(let set):
            converted.type = .set
            converted.set = Mesos.Value.Set(item: set.items)
        }
        converted.role = resource.role
        if !resource.isUnreserved {
            converted.reservations = [ReservationInfo(type: .static, role: resource.role)]
        }
        converted.allocationInfo = allocationRole.map { AllocationInfo(role: $0) }
        self = converted
    }
}

extension Array where Element == Mesos.Resource {
    /// Each of the core's resources in the API's form (see `Mesos.Resource.init(_:allocationRole:)`).
    public init(_ resources: ClusterCore.Resources, allocationRole: String? = nil) {
        self = resources.entries.map { Mesos.Resource($0, allocationRole: allocationRole) }
    }
}
