import ClusterCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

func environment(_ name: String) -> String? {
    guard let value = getenv(name) else { return nil }
    return String(cString: value)
}

/// The seeds a random test runs: `CORRAL_SEED=<n>` picks one.
func testSeeds(_ defaults: [UInt64]) -> [UInt64] {
    if let text = environment("CORRAL_SEED"), let seed = UInt64(text) { return [seed] }
    return defaults
}

func parsed(_ text: String) -> Resources {
    do {
        return try Resources(parsing: text)
    } catch {
        fatalError("test resources '\(text)': \(error)")
    }
}

extension Resources {
    /// How much of each resource there is, counted so that disjoint pieces add up: scalar
    /// thousandths, numbers in ranges, items in sets. Pieces of one agent that overlap add
    /// up to more than their union measures.
    var measure: [ResourceKey: UInt128] {
        var result: [ResourceKey: UInt128] = [:]
        for resource in entries {
            switch resource.value {
            case .scalar(let amount): result[resource.key] = UInt128(amount.thousandths)
            case .ranges(let ranges): result[resource.key] = ranges.count
            case .set(let set): result[resource.key] = UInt128(set.items.count)
            }
        }
        return result
    }
}

func sumOfMeasures(_ parts: [Resources]) -> [ResourceKey: UInt128] {
    var sum: [ResourceKey: UInt128] = [:]
    for part in parts {
        for (key, amount) in part.measure { sum[key, default: 0] += amount }
    }
    return sum
}
