import CoreMetrics
import NIOConcurrencyHelpers

/// A Prometheus counter that follows a total a core keeps (status update retries, say):
/// at each scrape it grows by what the total grew since the last one. A total that went
/// down belongs to a new core (a master that leads again starts from zero), and counts
/// from zero.
public final class RunningTotal: Sendable {
    private let counter: CoreMetrics.Counter
    private let seen: NIOLockedValueBox<Int>

    public init(_ counter: CoreMetrics.Counter) {
        self.counter = counter
        self.seen = NIOLockedValueBox(0)
    }

    public func follow(_ total: Int) {
        let grown = seen.withLockedValue { seen -> Int in
            let grown = total >= seen ? total - seen : total
            seen = total
            return grown
        }
        if grown > 0 { counter.increment(by: Int64(grown)) }
    }
}
