import ClusterCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// SplitMix64 (Steele, Lea and Flood): a generator whose whole state is one word, so a
/// random test replays exactly from its seed. The helpers avoid the standard library's
/// `random(in:using:)`, whose algorithm is not promised to stay the same.
struct SplitMix64 {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// 0..<n.
    mutating func below(_ n: Int) -> Int {
        precondition(n > 0, "below(\(n))")
        return Int(next() % UInt64(n))
    }

    /// low...high.
    mutating func between(_ low: Int, _ high: Int) -> Int { low + below(high - low + 1) }

    mutating func percent(_ percent: Int) -> Bool { below(100) < percent }

    mutating func pick<T>(_ items: [T]) -> T { items[below(items.count)] }

    /// One of `choices`, each as likely as its weight.
    mutating func weighted<T>(_ choices: [(Int, T)]) -> T {
        var roll = below(choices.reduce(0) { $0 + $1.0 })
        for (weight, choice) in choices {
            if roll < weight { return choice }
            roll -= weight
        }
        fatalError("unreachable")
    }
}

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
