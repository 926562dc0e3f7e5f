import ClusterCore

/// What one task of an app takes from what is left of an offer: Marathon's resource
/// matcher. Scalars come whole from one role each, the app's own role first, then the
/// unreserved; host ports are the lowest free ones (or the app's own with requirePorts).
public struct OfferMatch: Sendable, Equatable {
    public var resources: Resources
    public var hostPorts: [Int]

    /// The match for `app` in `available`, using resources of `roles` only, or every
    /// reason it does not fit.
    public static func find(
        for app: AppDefinition, in available: Resources, roles: [String]
    ) -> Result<OfferMatch, UnusedReasons> {
        let usable = available.filter { roles.contains($0.role) }
        guard !usable.isEmpty else { return .failure(UnusedReasons([.unfulfilledRole])) }
        var taken = Resources()
        var reasons: [UnusedReason] = []
        let scalars: [(String, Double, UnusedReason)] = [
            ("cpus", app.cpus, .insufficientCpus), ("mem", app.mem, .insufficientMemory),
            ("disk", app.disk, .insufficientDisk), ("gpus", Double(app.gpus), .insufficientGpus),
        ]
        for (name, amount, reason) in scalars where amount > 0 {
            guard let scalar = Scalar(amount),
                let role = roles.first(where: { usable.contains(.scalar(name, scalar, role: $0)) })
            else {
                reasons.append(reason)
                continue
            }
            taken.add(.scalar(name, scalar, role: role))
        }
        let ports = pickPorts(for: app, in: usable, roles: roles)
        if let ports { taken.add(ports.resources) } else { reasons.append(.insufficientPorts) }
        guard reasons.isEmpty, let ports else { return .failure(UnusedReasons(reasons)) }
        return .success(OfferMatch(resources: taken, hostPorts: ports.numbers))
    }

    /// The host ports for one task, in the order of the app's port definitions.
    private static func pickPorts(
        for app: AppDefinition, in usable: Resources, roles: [String]
    ) -> (resources: Resources, numbers: [Int])? {
        var free: [(port: UInt64, role: String)] = []
        for role in roles {
            for entry in usable.named("ports").entries where entry.role == role {
                guard case .ranges(let ranges) = entry.value else { continue }
                for range in ranges.ranges { free.append(contentsOf: range.lazy.prefix(4096).map { ($0, role) }) }
            }
        }
        var picked: [(port: UInt64, role: String)] = []
        if app.requirePorts {
            for definition in app.portDefinitions {
                guard let found = free.first(where: { $0.port == UInt64(definition.port) }) else { return nil }
                picked.append(found)
            }
        } else {
            var seen = Set<UInt64>()
            for candidate in free where picked.count < app.portCount && seen.insert(candidate.port).inserted {
                picked.append(candidate)
            }
            guard picked.count == app.portCount else { return nil }
        }
        var resources = Resources()
        for pick in picked { resources.add(.ranges("ports", [pick.port...pick.port], role: pick.role)) }
        return (resources, picked.map { Int($0.port) })
    }
}

/// Why an offer did not fit, all reasons at once.
public struct UnusedReasons: Error, Sendable, Equatable {
    public var reasons: [UnusedReason]

    public init(_ reasons: [UnusedReason]) { self.reasons = reasons }
}
