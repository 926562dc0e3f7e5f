import ClusterCore
import CorralSim
import Testing

@Suite("sorters")
struct SorterTests {
    @Test("shares compare exactly, against cross-multiplication", arguments: testSeeds([1, 2, 3]))
    func shareComparison(seed: UInt64) {
        var random = SeededRandom(seed: seed)
        for _ in 0..<5000 {
            // Small parts, so the naive cross products fit: the twin must not overflow.
            let a = (UInt128(random.between(0, 40)), UInt128(random.between(1, 40)))
            let b = (UInt128(random.between(0, 40)), UInt128(random.between(1, 40)))
            let (x, y) = (Share(numerator: a.0, denominator: a.1), Share(numerator: b.0, denominator: b.1))
            #expect((x < y) == (a.0 * b.1 < b.0 * a.1), "\(x) < \(y)")
            #expect((x == y) == (a.0 * b.1 == b.0 * a.1), "\(x) == \(y)")
        }
        // Near the top of UInt128, where cross products would overflow.
        let big = UInt128.max
        #expect(!(Share(numerator: big - 1, denominator: big) < Share(numerator: big - 2, denominator: big - 1)))
        #expect(Share(numerator: big - 2, denominator: big - 1) < Share(numerator: big - 1, denominator: big))
        #expect(Share(numerator: big / 3, denominator: big) == Share(numerator: 1, denominator: 3))
    }

    @Test("shares past 64 bits compare as their reduced forms do", arguments: testSeeds([1, 2, 3]))
    func shareComparisonAcrossWidths(seed: UInt64) {
        var random = SeededRandom(seed: seed)
        let part = { (random: inout SeededRandom) in UInt128(random.between(1, 1 << 30)) << 30 }
        for _ in 0..<5000 {
            // Parts below 2^60 compare by 64-bit cross products; scaled by 2^40 the same
            // fractions have parts past 2^64 and take the continued-fraction walk.
            let (x, y) = (
                Share(numerator: part(&random), denominator: part(&random)),
                Share(numerator: part(&random), denominator: part(&random))
            )
            let scaledX = Share(numerator: x.numerator << 40, denominator: x.denominator << 40)
            #expect((x < y) == (x.numerator * y.denominator < y.numerator * x.denominator), "\(x) < \(y)")
            #expect((scaledX < y) == (x < y) && (y < scaledX) == (y < x) && (scaledX == x), "\(x) against \(y)")
        }
    }

    @Test("equal weighted shares tie exactly and go by name, where Doubles would not tie")
    func exactTie() {
        // (3/5)/3 is 0.19999999999999998 in Doubles and 1/5 is 0.2: Mesos' arithmetic
        // would put the heavy role first; exactly, the shares are equal and the names decide.
        #expect((3.0 / 5.0) / 3.0 < 1.0 / 5.0)
        let total = ScalarQuantities([("cpus", 5), ("mem", 5)])
        let heavy = SortClient(name: "b-heavy", weight: 3, allocated: ScalarQuantities([("cpus", 3)]))
        let light = SortClient(name: "a-light", allocated: ScalarQuantities([("mem", 1)]))
        #expect(heavy.share(of: total) == light.share(of: total))
        #expect(DRFSorter().sortRoles([heavy, light], total: total) == ["a-light", "b-heavy"])
    }

    @Test("DRF sorts like a brute-force dominant-share sort", arguments: testSeeds([1, 2, 3, 4, 5]))
    func drfAgainstBruteForce(seed: UInt64) {
        var random = SeededRandom(seed: seed)
        let names = ["cpus", "mem", "disk", "gpus"]
        for round in 0..<300 {
            var total = ScalarQuantities()
            for name in names where random.percent(80) {
                total.add(name, Scalar(thousandths: Int64(random.pick([1, 7, 1000, 3000, 9000, 18_432_000]))))
            }
            let clients = (0..<random.between(0, 12)).map { index in
                var allocated = ScalarQuantities()
                for name in names + ["ports"] where random.percent(60) {
                    allocated.add(name, Scalar(thousandths: Int64(random.pick([0, 1, 3, 500, 1000, 3000, 6000]))))
                }
                let weight = Weight(thousandths: Int64(random.pick([1000, 1000, 2000, 500, 2500])))
                return SortClient(name: "c\(random.below(5))-\(index)", weight: weight, allocated: allocated)
            }
            let expected = bruteForceOrder(clients, total: total)
            #expect(DRFSorter().sortRoles(clients, total: total) == expected, "seed \(seed) round \(round)")
            #expect(DRFSorter().sortFrameworks(clients, role: "r", total: total) == expected)
        }
    }

    @Test("a role of weight 2 ties a role of weight 1 at twice its dominant share")
    func weights() {
        let total = ScalarQuantities([("cpus", 10), ("mem", 100)])
        let heavy = SortClient(name: "b-heavy", weight: 2, allocated: ScalarQuantities([("cpus", 4)]))
        let light = SortClient(name: "a-light", weight: 1, allocated: ScalarQuantities([("mem", 20)]))
        #expect(DRFSorter().sortRoles([heavy, light], total: total) == ["a-light", "b-heavy"])
        var lighter = light
        lighter.allocated = ScalarQuantities([("mem", Scalar(thousandths: 20_001))])
        #expect(DRFSorter().sortRoles([heavy, lighter], total: total) == ["b-heavy", "a-light"])
        var heavier = heavy
        heavier.allocated = ScalarQuantities([("cpus", Scalar(thousandths: 4001))])
        #expect(DRFSorter().sortRoles([heavier, light], total: total) == ["a-light", "b-heavy"])
    }

    @Test("strict priority puts listed roles first whatever they hold, the rest after by DRF")
    func strictPriority() {
        let total = ScalarQuantities([("cpus", 10)])
        func role(_ name: String, _ cpus: Int64) -> SortClient {
            SortClient(name: name, allocated: ScalarQuantities([("cpus", Scalar(units: cpus))]))
        }
        let sorter = StrictPrioritySorter(priorities: ["high", "low"])
        let roles = [role("low", 0), role("high", 9), role("zeta", 1), role("alpha", 2)]
        #expect(sorter.sortRoles(roles, total: total) == ["high", "low", "zeta", "alpha"])
        #expect(DRFSorter().sortRoles(roles, total: total) == ["low", "zeta", "alpha", "high"])
        let frameworks = [role("f1", 5), role("f2", 1), role("f3", 1)]
        #expect(sorter.sortFrameworks(frameworks, role: "high", total: total) == ["f2", "f3", "f1"])
    }
}

/// The order DRF prescribes, computed the long way: each client's dominant share as a
/// fraction found by cross-multiplying every resource's share with every other, then a
/// selection sort on (share, name) with cross-multiplied comparisons.
func bruteForceOrder(_ clients: [SortClient], total: ScalarQuantities) -> [String] {
    typealias Fraction = (numerator: UInt128, denominator: UInt128)
    func less(_ a: Fraction, _ b: Fraction) -> Bool { a.numerator * b.denominator < b.numerator * a.denominator }
    func dominant(_ client: SortClient) -> Fraction {
        var candidates: [Fraction] = [(0, 1)]
        for entry in total.entries where entry.amount.thousandths > 0 {
            candidates.append(
                (
                    UInt128(client.allocated[entry.name].thousandths) * 1000,
                    UInt128(entry.amount.thousandths) * UInt128(client.weight.thousandths)
                ))
        }
        return candidates.first { candidate in candidates.allSatisfy { !less(candidate, $0) } }!
    }
    var rest = clients.map { (name: $0.name, share: dominant($0)) }
    var order: [String] = []
    while !rest.isEmpty {
        var best = 0
        for index in rest.indices.dropFirst() {
            let (a, b) = (rest[index], rest[best])
            if less(a.share, b.share) || (!less(b.share, a.share) && a.name < b.name) { best = index }
        }
        order.append(rest.remove(at: best).name)
    }
    return order
}
