import NIOCore
import NIOPosix

public struct ElectionOptions: Sendable {
    /// The ensemble to start: 3 servers unless set otherwise.
    public var ensemble: EnsembleOptions
    /// Leader kills to time, one after another.
    public var kills = 5
    /// Seconds from a kill until a write must have succeeded.
    public var timeout = 60.0

    public init(server: ServerKind) {
        ensemble = EnsembleOptions(server: server)
        ensemble.size = 3
    }

    public func validate() throws(BenchError) {
        try ensemble.validate()
        guard ensemble.size >= 3 else {
            throw .invalidOption("--ensemble must be at least 3: without its leader a smaller one has no quorum")
        }
        guard kills >= 1 else { throw .invalidOption("--kills must be at least 1") }
        guard timeout > 0 else { throw .invalidOption("--timeout must be above 0 s") }
    }
}

/// One leader kill: who died, who took over, and how long each step took from the SIGKILL.
public struct LeaderKill: Codable, Sendable {
    /// The server.N that led and was SIGKILLed.
    public var killed: Int
    /// Until a survivor's srvr said `Mode: leader`.
    public var leaderMs: Double
    /// Until a write through a survivor succeeded.
    public var writeMs: Double
    public var newLeader: Int
    public var wroteThrough: Int
    public var writeAttempts: Int
    /// From starting the killed server again until it followed the new leader.
    public var rejoinSeconds: Double
}

/// Every figure of one `corral bench election` run; `--json` prints it as one object.
public struct ElectionReport: JSONReport, Sendable {
    public var server: ServerKind
    public var ensemble: Int
    public var tickTime: Int
    public var kills: [LeaderKill] = []
    public var leaderMsMedian = 0.0
    public var writeMsMedian = 0.0

    public func text() -> String {
        var lines = [
            "corral bench election: \(server.rawValue), an ensemble of \(ensemble) (tickTime \(tickTime) ms), "
                + "\(kills.count) leader kills (SIGKILL, no load); times from the kill"
        ]
        for (index, kill) in kills.enumerated() {
            lines.append(
                "kill \(index + 1)  server.\(kill.killed): server.\(kill.newLeader) leads after "
                    + "\(format(kill.leaderMs, 0)) ms, a write through server.\(kill.wroteThrough) succeeds after "
                    + "\(format(kill.writeMs, 0)) ms; back and following after \(format(kill.rejoinSeconds, 1)) s")
        }
        lines.append(
            "median  a survivor leads after \(format(leaderMsMedian, 0)) ms, "
                + "a write succeeds after \(format(writeMsMedian, 0)) ms")
        return lines.joined(separator: "\n")
    }
}

/// `corral bench election`: how long an ensemble is without a leader, and without writes,
/// after its leader dies. Idle, with no load, so that every member has the same history and
/// the figure is the election and the new leader's sync alone.
public enum ElectionBench {
    public static func run(
        _ options: ElectionOptions, progress: (String) -> Void = { _ in }
    ) async throws -> ElectionReport {
        try options.validate()
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        defer { group.shutdownGracefully { _ in } }
        return try await BenchEnsemble.run(options.ensemble, progress: progress) { ensemble in
            var report = ElectionReport(
                server: options.ensemble.server, ensemble: options.ensemble.size, tickTime: options.ensemble.tickTime)
            for number in 1...options.kills {
                let kill = try await killLeader(of: ensemble, group: group, timeout: options.timeout) { line in
                    progress("kill \(number)/\(options.kills): \(line)")
                }
                report.kills.append(kill)
            }
            report.leaderMsMedian = median(report.kills.map(\.leaderMs))
            report.writeMsMedian = median(report.kills.map(\.writeMs))
            return report
        }
    }

    /// SIGKILLs the leader and times the failover, then starts the killed server again on
    /// its data and waits until it follows.
    static func killLeader(
        of ensemble: BenchEnsemble, group: EventLoopGroup, timeout: Double, progress: (String) -> Void
    ) async throws -> LeaderKill {
        try await ensemble.waitUntilFormed()
        guard let leader = ensemble.leader() else {
            throw BenchError.serverFailed("no \(ensemble.options.server.rawValue) server says it leads")
        }
        progress("SIGKILL the leader, server.\(leader.id) (pid \(ensemble.pid(of: leader) ?? 0))")
        let probe = ElectionProbe(survivors: ensemble.members.filter { $0.id != leader.id }, group: group)
        let outcome = try await probe.run(timeout: timeout) { ensemble.kill(leader) }
        progress(
            "server.\(outcome.newLeader) leads after \(format(outcome.leaderMs, 0)) ms; a write through "
                + "server.\(outcome.wroteThrough) succeeds after \(format(outcome.writeMs, 0)) ms "
                + "(\(outcome.attempts) \(outcome.attempts == 1 ? "attempt" : "attempts"))")
        let restarted = ContinuousClock.now
        try await ensemble.restart(leader)
        let seconds = (ContinuousClock.now - restarted).inSeconds
        progress("server.\(leader.id) is back and follows after \(format(seconds, 1)) s")
        return LeaderKill(
            killed: leader.id, leaderMs: rounded(outcome.leaderMs, 1), writeMs: rounded(outcome.writeMs, 1),
            newLeader: outcome.newLeader, wroteThrough: outcome.wroteThrough, writeAttempts: outcome.attempts,
            rejoinSeconds: rounded(seconds, 3))
    }
}

/// Times a failover from the clients' side: SIGKILLs the leader and polls the survivors'
/// srvr every 10 ms until one says it leads, then tries a write through it (and then the
/// followers) until one succeeds. The clock starts just before the kill, in this process,
/// so nothing else it does is counted.
struct ElectionProbe {
    struct Outcome {
        var leaderMs: Double
        var writeMs: Double
        var newLeader: Int
        var wroteThrough: Int
        var attempts: Int
    }

    let survivors: [BenchEnsemble.Member]
    let group: EventLoopGroup

    func run(timeout: Double, kill: () -> Void) async throws -> Outcome {
        let killed = ContinuousClock.now
        kill()
        let deadline = killed + .milliseconds(Int64(timeout * 1000))
        var leader: (id: Int, ms: Double)?
        var attempts = 0
        while ContinuousClock.now < deadline {
            let modes = survivors.map { ($0, FourLetterWord.mode(port: $0.clientPort, timeout: 0.5)) }
            let leaders = modes.filter { $0.1 == "leader" }.map(\.0)
            if leader == nil, let first = leaders.first {
                leader = (first.id, (ContinuousClock.now - killed).inSeconds * 1000)
            }
            // No write can succeed before there is a leader; a survivor that still says
            // "follower" may not have noticed the kill yet, and a write to it could hang
            // until it does. Once a survivor leads, try it, then the followers.
            if let leader {
                for member in leaders + modes.filter({ $0.1 == "follower" }).map(\.0) {
                    attempts += 1
                    if let wrote = await writeOnce(through: member, before: deadline) {
                        return Outcome(
                            leaderMs: leader.ms, writeMs: (wrote - killed).inSeconds * 1000, newLeader: leader.id,
                            wroteThrough: member.id, attempts: attempts)
                    }
                }
            }
            try await Task.sleep(for: .milliseconds(10))
        }
        let seen = leader.map { "server.\($0.id) said it leads after \(format($0.ms, 0)) ms" } ?? "no survivor led"
        throw BenchError.serverFailed(
            "no write through a surviving server within \(format(timeout, 0)) s of the kill (\(seen), "
                + "\(attempts) write attempts)")
    }

    /// A new session on `member` that creates an ephemeral sequential znode at the root (it
    /// goes with the session), given at most 2 s. When the create's reply came, if it
    /// succeeded.
    private func writeOnce(
        through member: BenchEnsemble.Member, before deadline: ContinuousClock.Instant
    ) async -> ContinuousClock.Instant? {
        let seconds = max(0.1, min(2.0, (deadline - ContinuousClock.now).inSeconds))
        let server = ServerAddress(host: "127.0.0.1", port: member.clientPort)
        guard
            let connection = try? await BenchConnection.open(
                to: server, group: group, sessionTimeout: 10_000, connectTimeout: seconds)
        else { return nil }
        let create = FiniteRequests(kind: .create, count: 1, mode: .ephemeralSequential) { _ in
            "/corral-bench-election-"
        }
        let result = try? await connection.run(.finite(create), limit: 1, closingAfter: seconds)
        let replied = ContinuousClock.now
        guard let result, result.completed == 1, result.errorCount == 0 else {
            await connection.abandon()
            return nil
        }
        await connection.close()
        return replied
    }
}
