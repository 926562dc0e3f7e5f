import NIOCore

/// A standby's watch on the leader's process (a master's, or an Apps instance's). Keeper
/// removes a crashed leader's znode only when the leader's session expires (10 s by
/// default; Mesos' masters wait that long, and the Mesos paper measured failovers of 4–8
/// s). A standby that finds nothing listening at the leader's address `refusalsToDepose`
/// times in a row, `interval` apart, knows the process is gone and removes the znode
/// itself, so the next candidate takes over at once. Only a refusal counts: a leader that is slow, paused or cut off by the network
/// answers nothing at all, and is left to its session as before. And refusals count only
/// once the leader was seen listening: a leader just elected may not serve yet, and one
/// never seen alive is left to its session too.
public struct LeaderWatch: Sendable {
    public var interval: Duration
    public var refusalsToDepose = 3
    public var probe: @Sendable (HostPort) async -> ListenerProbe.Answer

    public init(
        interval: Duration, refusalsToDepose: Int = 3,
        probe: @escaping @Sendable (HostPort) async -> ListenerProbe.Answer = { address in
            await ListenerProbe.probe(host: address.host, port: address.port, timeout: .seconds(1))
        }
    ) {
        self.interval = interval
        self.refusalsToDepose = refusalsToDepose
        self.probe = probe
    }

    /// Returns true once the leader at `address` is known gone; false if cancelled first.
    /// `heard` learns after each probe whether the leader answered.
    public func waitUntilGone(_ address: HostPort, heard: @Sendable (Bool) async -> Void = { _ in }) async -> Bool {
        var refusals = 0
        var seenListening = false
        while !Task.isCancelled {
            let answer = await probe(address)
            await heard(answer == .listening)
            switch answer {
            case .refused: refusals += seenListening ? 1 : 0
            case .listening:
                seenListening = true
                refusals = 0
            case .unknown: refusals = 0
            }
            if refusals >= refusalsToDepose { return true }
            try? await Task.sleep(for: interval)
        }
        return false
    }
}
