import FoundationEssentials

/// The master's and agent's `now`: wall-clock milliseconds since the epoch, read once at
/// start and advanced by the monotonic clock, so timers never run backwards when the
/// wall clock is stepped and the times the API shows stay near the wall clock.
public struct EdgeClock: Sendable {
    private let wallAtStart: Int64
    private let start: ContinuousClock.Instant

    public init() {
        wallAtStart = Int64(Date().timeIntervalSince1970 * 1000)
        start = ContinuousClock.now
    }

    public var now: Int64 {
        let elapsed = ContinuousClock.now - start
        return wallAtStart + elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000
    }
}
