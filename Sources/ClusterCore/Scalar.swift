/// A scalar resource amount (Mesos' `Value.Scalar`) as fixed-point thousandths.
///
/// Mesos promises three decimal digits for scalars and rounds every value it receives to
/// them. Holding the thousandths as an integer makes that rounding happen once, at the edge
/// (`init?(_ value: Double)`, the text parser), and keeps all arithmetic inside the core
/// exact: 0.1 + 0.2 is 0.3, and a thousand additions of 0.001 are exactly 1.
///
/// Amounts are never negative. Sums that would overflow Int64 trap; a single amount is at
/// most `unitsMax` units, so that even millions of maximal amounts add up safely.
public struct Scalar: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The amount in thousandths of a unit.
    public let thousandths: Int64

    /// The largest amount one value may carry, in units (a petabyte counted in bytes / 1000).
    public static let unitsMax: Int64 = 1_000_000_000_000
    public static let thousandthsMax: Int64 = unitsMax * 1000
    public static let zero = Scalar(thousandths: 0)

    public init(thousandths: Int64) {
        precondition(thousandths >= 0, "scalar \(thousandths)/1000 is negative")
        self.thousandths = thousandths
    }

    /// A whole number of units.
    public init(units: Int64) {
        precondition(units >= 0 && units <= Scalar.unitsMax, "scalar \(units) outside 0...\(Scalar.unitsMax)")
        self.init(thousandths: units * 1000)
    }

    /// The JSON edge: a Double rounded to three decimals, half away from zero, as Mesos
    /// rounds. Nil for NaN, infinities, negative values and values over `unitsMax`.
    public init?(_ value: Double) {
        guard value.isFinite, value >= 0, value <= Double(Scalar.unitsMax) else { return nil }
        self.init(thousandths: Int64((value * 1000).rounded(.toNearestOrAwayFromZero)))
    }

    /// The JSON edge: the amount as a Double (exact for amounts below 2^53 thousandths).
    public var doubleValue: Double { Double(thousandths) / 1000 }

    public var isZero: Bool { thousandths == 0 }

    public static func < (lhs: Scalar, rhs: Scalar) -> Bool { lhs.thousandths < rhs.thousandths }

    public static func + (lhs: Scalar, rhs: Scalar) -> Scalar {
        Scalar(thousandths: lhs.thousandths + rhs.thousandths)
    }

    /// Traps when `rhs` is larger: callers check with `<=` first, since amounts never go negative.
    public static func - (lhs: Scalar, rhs: Scalar) -> Scalar {
        precondition(rhs <= lhs, "scalar \(lhs) - \(rhs) goes negative")
        return Scalar(thousandths: lhs.thousandths - rhs.thousandths)
    }

    public static func += (lhs: inout Scalar, rhs: Scalar) { lhs = lhs + rhs }
    public static func -= (lhs: inout Scalar, rhs: Scalar) { lhs = lhs - rhs }

    /// Decimal text with no trailing zeros: `4`, `0.5`, `0.125`.
    public var description: String {
        let whole = thousandths / 1000
        let fraction = thousandths % 1000
        guard fraction != 0 else { return String(whole) }
        var digits = String(fraction)
        digits = String(repeating: "0", count: 3 - digits.count) + digits
        while digits.hasSuffix("0") { digits.removeLast() }
        return "\(whole).\(digits)"
    }
}

extension Scalar: ExpressibleByIntegerLiteral {
    public init(integerLiteral value: Int64) { self.init(units: value) }
}

extension Scalar {
    /// Parses decimal text (`4`, `0.5`, `1.2345`) exactly, rounding to three decimals half
    /// away from zero; exponent forms (`1e3`, `2.5E-1`) go through `init?(_: Double)`.
    /// Nil for anything negative, not a number, or over `unitsMax`.
    public init?(parsing text: String) {
        if let exact = Scalar.parseDecimal(Substring(text)) {
            self = exact
        } else if text.allSatisfy({ "0123456789.eE+-".contains($0) }), let value = Double(text),
            let scalar = Scalar(value)
        {
            self = scalar
        } else {
            return nil
        }
    }

    private static func parseDecimal(_ text: Substring) -> Scalar? {
        let parts = text.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        let wholeText = parts[0]
        let fractionText = parts.count > 1 ? parts[1] : ""
        guard !wholeText.isEmpty || !fractionText.isEmpty,
            wholeText.allSatisfy(\.isASCIIDigit), fractionText.allSatisfy(\.isASCIIDigit),
            parts.count == 1 || !fractionText.isEmpty,
            wholeText.count <= 13
        else { return nil }
        let whole = Int64(wholeText) ?? 0
        var fraction: Int64 = 0
        for (index, digit) in fractionText.prefix(3).enumerated() {
            fraction += Int64(digit.asciiValue! - 48) * [100, 10, 1][index]
        }
        // The fourth decimal decides rounding; later ones cannot change a half-up result
        // except when the fourth is exactly 5 followed by zeros, which also rounds up.
        if let fourth = fractionText.dropFirst(3).first, fourth >= "5" { fraction += 1 }
        guard whole <= Scalar.unitsMax else { return nil }
        let thousandths = whole * 1000 + fraction
        guard thousandths <= Scalar.thousandthsMax else { return nil }
        return Scalar(thousandths: thousandths)
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { isASCII && isNumber }
}
