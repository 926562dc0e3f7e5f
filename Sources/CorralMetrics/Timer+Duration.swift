import CoreMetrics

extension CoreMetrics.Timer {
    /// Records the time from `start` until now.
    public func record(since start: ContinuousClock.Instant) {
        record(ContinuousClock.now - start)
    }

    public func record(_ elapsed: Duration) {
        let (seconds, attoseconds) = elapsed.components
        recordNanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }
}
