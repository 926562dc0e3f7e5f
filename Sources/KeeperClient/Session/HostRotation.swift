/// Which server the client tries next. Like ZooKeeper's StaticHostProvider it walks the
/// (optionally shuffled) list round-robin, so a lost connection moves to the next host,
/// and it counts the attempts since the last good handshake so the session knows when
/// a whole round has failed.
struct HostRotation: Sendable {
    let hosts: [ConnectString.Host]
    private var index: Int
    /// Attempts made since the last successful handshake.
    private(set) var attemptsSinceSuccess = 0

    init(_ hosts: [ConnectString.Host]) {
        precondition(!hosts.isEmpty, "a host rotation needs a host")
        self.hosts = hosts
        self.index = hosts.count - 1
    }

    /// The host for the next attempt.
    mutating func next() -> ConnectString.Host {
        index = (index + 1) % hosts.count
        attemptsSinceSuccess += 1
        return hosts[index]
    }

    /// True once every host has been tried since the last success.
    var roundFailed: Bool { attemptsSinceSuccess > 0 && attemptsSinceSuccess % hosts.count == 0 }

    /// Full rounds that failed since the last success, for the back-off.
    var failedRounds: Int { attemptsSinceSuccess / hosts.count }

    mutating func succeeded() {
        attemptsSinceSuccess = 0
    }
}
