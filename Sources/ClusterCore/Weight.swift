/// A role's weight in fair sharing (Mesos' `--weights`, default 1), fixed-point thousandths
/// like `Scalar`, so a weight of 2.5 divides shares exactly.
public struct Weight: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let thousandths: Int64

    public static let one = Weight(thousandths: 1000)

    public init(thousandths: Int64) {
        precondition(thousandths > 0, "weight \(thousandths)/1000 must be positive")
        self.thousandths = thousandths
    }

    /// The configuration edge: rounded to three decimals; nil unless positive and finite.
    public init?(_ value: Double) {
        guard let scalar = Scalar(value), !scalar.isZero else { return nil }
        self.init(thousandths: scalar.thousandths)
    }

    public static func < (lhs: Weight, rhs: Weight) -> Bool { lhs.thousandths < rhs.thousandths }

    public var description: String { Scalar(thousandths: thousandths).description }
}

extension Weight: ExpressibleByIntegerLiteral {
    public init(integerLiteral value: Int64) { self.init(thousandths: value * 1000) }
}
