/// A share of the cluster as an exact fraction, compared without rounding: two clients with
/// the same dominant share tie exactly, and the tie is broken by name, never by the last
/// bit of a Double (Mesos' sorter compares doubles).
///
/// Numerator and denominator are products of two Int64s, so they fit UInt128. Where all
/// four parts of a comparison fit 64 bits it cross-multiplies; otherwise it walks both
/// fractions' continued fractions, which multiplies nothing and cannot overflow.
public struct Share: Comparable, Sendable, CustomStringConvertible {
    public let numerator: UInt128
    public let denominator: UInt128

    public static let zero = Share(numerator: 0, denominator: 1)

    public init(numerator: UInt128, denominator: UInt128) {
        precondition(denominator > 0, "share \(numerator)/0")
        self.numerator = numerator
        self.denominator = denominator
    }

    /// `allocated / total`, divided by `weight`.
    public init(allocated: Scalar, total: Scalar, weight: Weight = .one) {
        self.init(
            numerator: UInt128(allocated.thousandths) * 1000,
            denominator: UInt128(total.thousandths) * UInt128(weight.thousandths))
    }

    /// The dominant share (DRF): the largest of `allocated[r] / total[r]` over the resources
    /// of the total, divided by `weight`. Resources with no total count for nothing.
    public static func dominant(
        allocated: ScalarQuantities, total: ScalarQuantities, weight: Weight = .one
    ) -> Share {
        var dominant = Share.zero
        for entry in total.entries {
            let share = Share(allocated: allocated[entry.name], total: entry.amount, weight: weight)
            if dominant < share { dominant = share }
        }
        return dominant
    }

    public static func == (lhs: Share, rhs: Share) -> Bool { compare(lhs, rhs) == 0 }

    public static func < (lhs: Share, rhs: Share) -> Bool { compare(lhs, rhs) < 0 }

    /// -1, 0 or 1. Shares whose parts all fit 64 bits (every share of a real cluster:
    /// thousandths of a total times a weight's thousandths) compare by cross products, each
    /// one 64×64→128-bit multiplication; larger ones by `compareLarge`.
    private static func compare(_ lhs: Share, _ rhs: Share) -> Int {
        let limit = UInt128(UInt64.max)
        guard lhs.numerator <= limit, lhs.denominator <= limit, rhs.numerator <= limit, rhs.denominator <= limit
        else { return compareLarge(lhs, rhs) }
        let left = UInt64(lhs.numerator).multipliedFullWidth(by: UInt64(rhs.denominator))
        let right = UInt64(rhs.numerator).multipliedFullWidth(by: UInt64(lhs.denominator))
        if left.high != right.high { return left.high < right.high ? -1 : 1 }
        if left.low != right.low { return left.low < right.low ? -1 : 1 }
        return 0
    }

    /// Compares the integer parts; if they are equal, compares the fractional parts r1/d1
    /// and r2/d2, which order as the reciprocals d2/r2 and d1/r1 do (operands swapped, so
    /// the answer's sign stays). These are Euclid's steps: the loop ends after as many
    /// rounds as a gcd takes.
    private static func compareLarge(_ lhs: Share, _ rhs: Share) -> Int {
        var (n1, d1, n2, d2) = (lhs.numerator, lhs.denominator, rhs.numerator, rhs.denominator)
        while true {
            let (q1, r1) = n1.quotientAndRemainder(dividingBy: d1)
            let (q2, r2) = n2.quotientAndRemainder(dividingBy: d2)
            if q1 != q2 { return q1 < q2 ? -1 : 1 }
            switch (r1 == 0, r2 == 0) {
            case (true, true): return 0
            case (true, false): return -1
            case (false, true): return 1
            case (false, false): (n1, d1, n2, d2) = (d2, r2, d1, r1)
            }
        }
    }

    public var description: String { "\(numerator)/\(denominator)" }
}
