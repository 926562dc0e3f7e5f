/// What constraints look at about an agent: its hostname and attributes, as text.
public struct AgentPlace: Sendable, Equatable, Hashable {
    public var hostname: String
    public var attributes: [String: String]

    public init(hostname: String, attributes: [String: String] = [:]) {
        self.hostname = hostname
        self.attributes = attributes
    }

    /// The value a constraint's field names here: the hostname, or an attribute.
    public func value(of field: String) -> String? {
        field == "hostname" ? hostname : attributes[field]
    }
}

extension Constraint {
    /// True when a task may start at `place`, given where the app's other live tasks are.
    public func allows(_ place: AgentPlace, besides placed: [AgentPlace]) -> Bool {
        let here = place.value(of: field)
        switch `operator` {
        case .unique:
            guard let here else { return false }
            return !placed.contains { $0.value(of: field) == here }
        case .cluster:
            guard let here else { return false }
            if let value { return here == value }
            return placed.allSatisfy { $0.value(of: field) == here }
        case .groupBy:
            guard let here else { return false }
            // Marathon's rule: the value's group is a smallest one, and until `value` groups
            // exist only a new value may start one.
            let counts = Dictionary(placed.compactMap { $0.value(of: field) }.map { ($0, 1) }, uniquingKeysWith: +)
            let groups = value.flatMap { Int($0) } ?? 0
            guard counts[here].map({ $0 == counts.values.min() }) ?? true else { return false }
            return counts.count >= groups || counts[here] == nil
        case .like:
            guard let here, let value, let regex = try? Regex(value) else { return false }
            return here.wholeMatch(of: regex) != nil
        case .unlike:
            guard let here, let value, let regex = try? Regex(value) else { return true }
            return here.wholeMatch(of: regex) == nil
        case .maxPer:
            guard let here, let limit = value.flatMap({ Int($0) }) else { return false }
            return placed.count { $0.value(of: field) == here } < limit
        case .is:
            guard let here else { return false }
            return here == value
        }
    }
}
