import ClusterCore
import CorralSim
import Testing

/// `Resources` against a naive twin: a dictionary from (name, role, kind) to a sum of
/// thousandths, a set of numbers or a set of items. Random adds and subtractions, some
/// meant to fail, are applied to both and compared after every step.
@Suite("resources against a naive model")
struct ResourcesModelTests {
    @Test("random adds and subtractions match the model", arguments: testSeeds([1, 2, 3, 4, 5, 6, 7, 8]))
    func randomArithmetic(seed: UInt64) {
        var random = SeededRandom(seed: seed)
        var resources = Resources()
        var model = ResourceModel()
        var (subtracted, refused) = (0, 0)
        for step in 0..<2000 {
            let operand: Resources
            if random.percent(40) {
                operand = randomResources(&random)
                resources.add(operand)
                model.add(operand)
            } else {
                operand = random.percent(50) ? randomPart(of: resources, &random) : randomResources(&random)
                let modelAllows = model.contains(operand)
                do {
                    try resources.subtract(operand)
                    #expect(modelAllows, "seed \(seed) step \(step): subtracted \(operand) the model lacks")
                    model.subtract(operand)
                    subtracted += 1
                } catch {
                    #expect(!modelAllows, "seed \(seed) step \(step): refused \(operand): \(error)")
                    refused += 1
                }
            }
            let probe = randomResources(&random)
            #expect(resources.contains(probe) == model.contains(probe), "seed \(seed) step \(step): contains \(probe)")
            #expect(ResourceModel(resources) == model, "seed \(seed) step \(step): \(resources) after \(operand)")
            #expect(isNormal(resources), "seed \(seed) step \(step): \(resources) is not in normal form")
            #expect((try? Resources(parsing: resources.description)) == resources, "seed \(seed) step \(step)")
        }
        #expect(subtracted > 200 && refused > 200, "seed \(seed): \(subtracted) subtracted, \(refused) refused")
    }

    @Test("intersection matches the model's per-key minimum and common members", arguments: testSeeds([1, 2, 3]))
    func randomIntersection(seed: UInt64) {
        var random = SeededRandom(seed: seed)
        for step in 0..<2000 {
            let first = randomResources(&random)
            let second =
                random.percent(50)
                ? randomPart(of: first, &random) + randomResources(&random) : randomResources(&random)
            let common = first.intersection(second)
            #expect(
                ResourceModel(common) == ResourceModel(first).intersection(ResourceModel(second)),
                "seed \(seed) step \(step): \(first) ∩ \(second) = \(common)")
            #expect(first.contains(common) && second.contains(common), "seed \(seed) step \(step)")
            #expect(isNormal(common), "seed \(seed) step \(step): \(common) is not in normal form")
        }
    }

    func isNormal(_ resources: Resources) -> Bool {
        let keys = resources.entries.map(\.key)
        guard zip(keys, keys.dropFirst()).allSatisfy({ $0 < $1 }) else { return false }
        return resources.entries.allSatisfy { resource in
            switch resource.value {
            case .scalar(let amount): return !amount.isZero
            case .ranges(let ranges):
                let list = ranges.ranges
                return !list.isEmpty && zip(list, list.dropFirst()).allSatisfy { $0.upperBound + 1 < $1.lowerBound }
            case .set(let set):
                return !set.items.isEmpty && zip(set.items, set.items.dropFirst()).allSatisfy { $0 < $1 }
            }
        }
    }
}

/// A random collection over few names, roles and values, so that operations collide.
func randomResources(_ random: inout SeededRandom) -> Resources {
    var resources: [Resource] = []
    for _ in 0..<random.between(0, 4) {
        let role = random.pick(["*", "*", "web", "db"])
        switch random.below(6) {
        case 0, 1:
            let amount = Scalar(thousandths: Int64(random.pick([0, 1, 10, 250, 500, 1000, 3333, 4096_000])))
            resources.append(.scalar(random.pick(["cpus", "mem", "gpus"]), amount, role: role))
        case 2: resources.append(.scalar("ports", Scalar(thousandths: Int64(random.between(0, 3000))), role: role))
        case 3, 4:
            let ranges = (0..<random.between(0, 3)).map { _ in
                let lower = UInt64(random.between(0, 60))
                return lower...(lower + UInt64(random.between(0, 8)))
            }
            resources.append(.ranges("ports", ranges, role: role))
        default:
            let items = (0..<random.between(0, 3)).map { _ in random.pick(["a", "b", "c", "d", "e"]) }
            resources.append(.set("labels", items, role: role))
        }
    }
    return Resources(resources)
}

/// A random part of `resources`: some of each scalar, some numbers of each ranges value,
/// some items of each set.
func randomPart(of resources: Resources, _ random: inout SeededRandom) -> Resources {
    var part: [Resource] = []
    for resource in resources.entries where random.percent(70) {
        var piece = resource
        switch resource.value {
        case .scalar(let amount):
            piece.value = .scalar(Scalar(thousandths: Int64(random.next() % UInt64(amount.thousandths + 1))))
        case .ranges(let ranges):
            let range = random.pick(ranges.ranges)
            let width = range.upperBound - range.lowerBound
            let lower = range.lowerBound + random.next() % (width / 2 + 1)
            piece.value = .ranges(ValueRanges([lower...(lower + random.next() % (range.upperBound - lower + 1))]))
        case .set(let set):
            piece.value = .set(ValueSet(set.items.filter { _ in random.percent(50) }))
        }
        part.append(piece)
    }
    return Resources(part)
}

/// The naive twin: scalars as integer sums, ranges and sets as sets of their members.
struct ResourceModel: Equatable {
    enum Value: Equatable {
        case scalar(Int64)
        case numbers(Set<UInt64>)
        case items(Set<String>)
    }

    var values: [ResourceKey: Value] = [:]

    init() {}

    init(_ resources: Resources) { add(resources) }

    mutating func add(_ resources: Resources) {
        for (key, value) in Self.values(of: resources) {
            switch (values[key], value) {
            case (nil, _): values[key] = value
            case (.scalar(let a), .scalar(let b)): values[key] = .scalar(a + b)
            case (.numbers(let a), .numbers(let b)): values[key] = .numbers(a.union(b))
            case (.items(let a), .items(let b)): values[key] = .items(a.union(b))
            default: fatalError("kinds differ under \(key)")
            }
        }
    }

    mutating func subtract(_ resources: Resources) {
        for (key, value) in Self.values(of: resources) {
            switch (values[key], value) {
            case (.scalar(let a), .scalar(let b)): values[key] = a == b ? nil : .scalar(a - b)
            case (.numbers(let a), .numbers(let b)):
                let rest = a.subtracting(b)
                values[key] = rest.isEmpty ? nil : .numbers(rest)
            case (.items(let a), .items(let b)):
                let rest = a.subtracting(b)
                values[key] = rest.isEmpty ? nil : .items(rest)
            default: break  // The model lacks it: the comparison after the step reports that.
            }
        }
    }

    func intersection(_ other: ResourceModel) -> ResourceModel {
        var common = ResourceModel()
        for (key, value) in values {
            switch (value, other.values[key]) {
            case (.scalar(let a), .scalar(let b)) where min(a, b) > 0: common.values[key] = .scalar(min(a, b))
            case (.numbers(let a), .numbers(let b)) where !a.isDisjoint(with: b):
                common.values[key] = .numbers(a.intersection(b))
            case (.items(let a), .items(let b)) where !a.isDisjoint(with: b):
                common.values[key] = .items(a.intersection(b))
            default: break
            }
        }
        return common
    }

    func contains(_ resources: Resources) -> Bool {
        Self.values(of: resources).allSatisfy { key, value in
            switch (values[key], value) {
            case (.scalar(let a), .scalar(let b)): return b <= a
            case (.numbers(let a), .numbers(let b)): return b.isSubset(of: a)
            case (.items(let a), .items(let b)): return b.isSubset(of: a)
            default: return false
            }
        }
    }

    private static func values(of resources: Resources) -> [ResourceKey: Value] {
        var result: [ResourceKey: Value] = [:]
        for resource in resources.entries {
            switch resource.value {
            case .scalar(let amount): result[resource.key] = .scalar(amount.thousandths)
            case .ranges(let ranges):
                result[resource.key] = .numbers(Set(ranges.ranges.flatMap { Array($0) }))
            case .set(let set): result[resource.key] = .items(Set(set.items))
            }
        }
        return result
    }
}
