/// A ranges resource value (Mesos' `Value.Ranges`, e.g. ports): closed ranges of UInt64 in
/// normal form — sorted, non-overlapping and coalesced, so `[1-2, 3-5]` is kept as `[1-5]`.
/// Two values are equal exactly when they hold the same numbers.
public struct ValueRanges: Hashable, Sendable, CustomStringConvertible {
    /// The ranges in normal form.
    public private(set) var ranges: [ClosedRange<UInt64>]

    public init() { ranges = [] }

    /// Any ranges, overlapping or adjacent, in any order.
    public init(_ ranges: [ClosedRange<UInt64>]) {
        self.ranges = ValueRanges.normalised(ranges)
    }

    public var isEmpty: Bool { ranges.isEmpty }

    /// How many numbers the ranges hold (`[0-UInt64.max]` holds 2^64).
    public var count: UInt128 {
        ranges.reduce(0) { $0 + UInt128($1.upperBound - $1.lowerBound) + 1 }
    }

    public func contains(_ value: UInt64) -> Bool {
        ranges.contains { $0.contains(value) }
    }

    /// True if every number of `other` is in these ranges.
    public func contains(_ other: ValueRanges) -> Bool {
        var index = 0
        for range in other.ranges {
            while index < ranges.count && ranges[index].upperBound < range.lowerBound { index += 1 }
            guard index < ranges.count,
                ranges[index].lowerBound <= range.lowerBound, range.upperBound <= ranges[index].upperBound
            else { return false }
        }
        return true
    }

    public func union(_ other: ValueRanges) -> ValueRanges {
        ValueRanges(ranges + other.ranges)
    }

    /// The numbers of these ranges that are not in `other`.
    public func subtracting(_ other: ValueRanges) -> ValueRanges {
        var result: [ClosedRange<UInt64>] = []
        var cuts = other.ranges[...]
        for range in ranges {
            var lower = range.lowerBound
            var exhausted = false
            while let cut = cuts.first, cut.lowerBound <= range.upperBound {
                if cut.upperBound < lower {
                    cuts.removeFirst()
                    continue
                }
                if cut.lowerBound > lower { result.append(lower...(cut.lowerBound - 1)) }
                if cut.upperBound >= range.upperBound {
                    exhausted = true
                    break
                }
                lower = cut.upperBound + 1
                cuts.removeFirst()
            }
            if !exhausted { result.append(lower...range.upperBound) }
        }
        return ValueRanges(normalisedAlready: result)
    }

    /// `[31000-32000, 33000-33010]`, Mesos' notation.
    public var description: String {
        "[" + ranges.map { "\($0.lowerBound)-\($0.upperBound)" }.joined(separator: ", ") + "]"
    }

    private init(normalisedAlready ranges: [ClosedRange<UInt64>]) {
        self.ranges = ranges
    }

    private static func normalised(_ ranges: [ClosedRange<UInt64>]) -> [ClosedRange<UInt64>] {
        let sorted = ranges.sorted { $0.lowerBound < $1.lowerBound }
        var result: [ClosedRange<UInt64>] = []
        for range in sorted {
            if let last = result.last, last.upperBound == .max || range.lowerBound <= last.upperBound + 1 {
                result[result.count - 1] = last.lowerBound...max(last.upperBound, range.upperBound)
            } else {
                result.append(range)
            }
        }
        return result
    }
}
