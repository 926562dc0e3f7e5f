/// Marathon's launch back-off for one app: each task that fails makes the next launch
/// wait `backoffSeconds`, then `backoffFactor` times longer each failure after, up to
/// `maxLaunchDelaySeconds`. A new config version, or the user (`DELETE
/// /v2/queue/{id}/delay`), clears it; so does a quiet `maxLaunchDelaySeconds` after it ran out.
public struct LaunchDelay: Sendable, Equatable {
    /// The delay the last failure set, in milliseconds.
    public var current: Int64
    /// When launches may go on.
    public var until: Int64

    /// The delay after one more failure at `now`.
    public static func after(_ previous: LaunchDelay?, app: AppDefinition, now: Int64) -> LaunchDelay {
        let cap = milliseconds(app.maxLaunchDelaySeconds)
        let next: Int64
        // A delay that ran out longer than the longest delay ago is forgotten (Marathon's
        // cleanup): a failure now and then does not cost the longest delay for good.
        if let previous, now <= previous.until + cap {
            next = min(cap, milliseconds(Double(previous.current) / 1000 * app.backoffFactor))
        } else {
            next = min(cap, milliseconds(app.backoffSeconds))
        }
        return LaunchDelay(current: next, until: now + next)
    }

    private static func milliseconds(_ seconds: Double) -> Int64 {
        guard seconds.isFinite else { return Int64.max / 4 }
        return Int64(min(seconds * 1000, Double(Int64.max / 4)).rounded())
    }
}
