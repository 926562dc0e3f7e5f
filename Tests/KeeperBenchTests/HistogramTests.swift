import Testing

@testable import KeeperBench

@Suite("latency histogram")
struct HistogramTests {
    @Test("every value lands in a bucket that holds it, no wider than 1/128 of it")
    func buckets() {
        var value: UInt64 = 0
        while value < 1 << 61 {
            let index = Histogram.index(value)
            let range = Histogram.range(ofBucket: index)
            #expect(range.contains(value), "\(value) not in bucket \(index) \(range)")
            #expect(Double(range.upperBound - range.lowerBound) <= Double(max(value, 1)) / 128)
            value = value < 1000 ? value + 1 : value + value / 97
        }
        #expect(Histogram.index(1 << 62) == Histogram.bucketCount - 1)
    }

    @Test("quantiles within 1% of the exact ones, and merging adds up")
    func quantiles() {
        var random = SplitMix64(seed: 7)
        var values: [UInt64] = []
        var a = Histogram()
        var b = Histogram()
        for i in 0..<20_000 {
            let value = 10_000 + random.next() % 5_000_000
            values.append(value)
            if i % 2 == 0 { a.record(value) } else { b.record(value) }
        }
        a.merge(b)
        values.sort()
        #expect(a.count == 20_000)
        #expect(a.min == values.first && a.max == values.last)
        for q in [0.5, 0.9, 0.99, 0.999] {
            let exact = Double(values[Int((Double(values.count) * q).rounded(.up)) - 1])
            let estimate = Double(a.quantile(q))
            #expect(abs(estimate - exact) / exact < 0.01, "q\(q): \(estimate) vs \(exact)")
        }
        #expect(Histogram().quantile(0.5) == 0)
    }
}
