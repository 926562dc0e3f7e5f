/// A log-linear latency histogram in nanoseconds, in the manner of HdrHistogram: values
/// below 256 have a bucket each; above, every power of two is split into 128 equal
/// buckets, so a bucket is never wider than 1/128 (0.8 %) of the values in it. Recording
/// is an index computation and an increment; histograms of several clients merge by adding
/// their counts.
public struct Histogram: Sendable, Equatable {
    /// Bits of a value kept exactly: 8 gives 128 sub-buckets per power of two.
    static let precisionBits = 8
    static let linearCount = 1 << precisionBits
    static let subBucketCount = linearCount / 2
    /// Values above this (146 years) are recorded as this.
    static let valueMax: UInt64 = 1 << 62
    static let bucketCount = index(valueMax) + 1

    private var counts: [UInt64]
    public private(set) var count: UInt64 = 0
    public private(set) var min: UInt64 = .max
    public private(set) var max: UInt64 = 0
    /// The exact sum, for the mean (overflows after 584 years of latency).
    public private(set) var sum: UInt64 = 0

    public init() {
        counts = [UInt64](repeating: 0, count: Self.bucketCount)
    }

    static func index(_ value: UInt64) -> Int {
        if value < UInt64(linearCount) { return Int(value) }
        let msb = 63 - value.leadingZeroBitCount
        let shift = msb - (precisionBits - 1)
        let mantissa = Int(value >> UInt64(shift))  // in subBucketCount ..< linearCount
        return linearCount + (shift - 1) * subBucketCount + (mantissa - subBucketCount)
    }

    /// The smallest and largest value that land in bucket `index`.
    static func range(ofBucket index: Int) -> ClosedRange<UInt64> {
        if index < linearCount { return UInt64(index)...UInt64(index) }
        let shift = (index - linearCount) / subBucketCount + 1
        let mantissa = UInt64((index - linearCount) % subBucketCount + subBucketCount)
        let low = mantissa << UInt64(shift)
        return low...(low + (1 << UInt64(shift)) - 1)
    }

    public mutating func record(_ value: UInt64) {
        let nanoseconds = Swift.min(value, Self.valueMax)
        counts[Self.index(nanoseconds)] &+= 1
        count &+= 1
        sum &+= nanoseconds
        if nanoseconds < min { min = nanoseconds }
        if nanoseconds > max { max = nanoseconds }
    }

    public mutating func merge(_ other: Histogram) {
        guard other.count > 0 else { return }
        for index in counts.indices where other.counts[index] != 0 {
            counts[index] &+= other.counts[index]
        }
        count &+= other.count
        sum &+= other.sum
        min = Swift.min(min, other.min)
        max = Swift.max(max, other.max)
    }

    /// The value below which `fraction` of the recordings lie (0.5 is the median), as the
    /// middle of its bucket, clamped to the exact minimum and maximum; 0 when empty.
    public func quantile(_ fraction: Double) -> UInt64 {
        guard count > 0 else { return 0 }
        let rank = Swift.max(1, UInt64((Double(count) * fraction).rounded(.up)))
        var seen: UInt64 = 0
        for (index, bucketCount) in counts.enumerated() where bucketCount != 0 {
            seen += bucketCount
            if seen >= rank {
                let range = Self.range(ofBucket: index)
                let middle = range.lowerBound + (range.upperBound - range.lowerBound) / 2
                return Swift.min(Swift.max(middle, min), max)
            }
        }
        return max
    }

    public var mean: Double { count == 0 ? 0 : Double(sum) / Double(count) }
}
