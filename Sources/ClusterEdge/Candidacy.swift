import KeeperClient
import Logging

/// One candidate in a leader election through Keeper (a master, an Apps instance): how it
/// follows the leader while it stands by, and how it learns its own term is over.
public struct Candidacy: Sendable {
    public let election: LeaderElection
    /// This candidate's own znode data: it does not follow or watch itself.
    public let own: [UInt8]
    /// How a standby learns that the leader's process died; nil waits for its session.
    public let leaderWatch: LeaderWatch?
    /// What the candidates are, for the log: "master", "Apps instance".
    public let role: String
    public let logger: Logger

    public init(election: LeaderElection, own: [UInt8], leaderWatch: LeaderWatch?, role: String, logger: Logger) {
        self.election = election
        self.own = own
        self.leaderWatch = leaderWatch
        self.role = role
        self.logger = logger
    }

    /// While standing by: `note` hears the leader's address (`address` reads it from the
    /// leader's data; nil for none, and for this candidate's own node, so that a candidate
    /// not yet leading never points at itself), `heard` whether the leader answered each
    /// probe of the leader watch; a leader whose process is gone is deposed.
    public func follow(
        address: @escaping @Sendable ([UInt8]) -> HostPort?, note: @escaping @Sendable (HostPort?) async -> Void,
        heard: @escaping @Sendable (Bool, HostPort) async -> Void = { _, _ in }
    ) async throws {
        var watching: Task<Void, Never>?
        defer { watching?.cancel() }
        for try await leader in election.leaders() {
            watching?.cancel()
            let found = leader.flatMap { address($0.data) }
            await note(leader?.data == own ? nil : found)
            if let leader, let found, leader.data != own, let leaderWatch {
                watching = Task { await depose(leader.node, at: found, when: leaderWatch, heard: heard) }
            }
        }
    }

    private func depose(
        _ node: String, at address: HostPort, when watch: LeaderWatch,
        heard: @escaping @Sendable (Bool, HostPort) async -> Void
    ) async {
        guard await watch.waitUntilGone(address, heard: { await heard($0, address) }) else { return }
        logger.warning(
            "The leading \(role) at \(address.host):\(address.port) refuses connections: its process is gone. Removing its znode \(node) so the next \(role) leads without waiting for the dead leader's Keeper session to expire"
        )
        do {
            try await election.depose(node)
        } catch {
            logger.warning("Could not remove the dead leader's znode \(node): \(error); its session's expiry will")
        }
    }

    /// Leads until the term ends (`stepsDown`, with `client`'s session lost for
    /// `sessionTimeout` as one end), then leaves the election if the leader must step down,
    /// giving up after 2 s (Keeper may be what failed; closing the client ends the session,
    /// and the znode with it, soon enough).
    public func hold(
        _ leadership: Leadership, until abdications: AsyncStream<String>, client: KeeperClient,
        sessionTimeout: Duration
    ) async {
        let sessionLost: @Sendable () async -> Void = { [logger, role] in
            await client.waitUntilSessionLost(after: sessionTimeout)
            guard !Task.isCancelled else { return }
            logger.error(
                "No Keeper server for \(sessionTimeout) (--zk-session-timeout): stepping down, since another \(role) may lead by now"
            )
        }
        if await Self.stepsDown(leadership, abdications, sessionLost) {
            await awaitAtMost(.seconds(2)) { try? await leadership.resign() }
        }
    }

    /// Waits until leadership ends: true if the leader must step down (`abdications`
    /// yielded: its state writes failed), false if it lost its znode or its session — also a
    /// session without a server for the session timeout (`sessionLost`), which Keeper may
    /// have expired meanwhile: a leader cut off from Keeper must not go on leading beside
    /// the one elected after it.
    static func stepsDown(
        _ leadership: Leadership, _ abdications: AsyncStream<String>,
        _ sessionLost: @escaping @Sendable () async -> Void
    ) async -> Bool {
        await withTaskGroup(of: Bool.self) { group in
            group.addTask {
                await leadership.lost()
                return false
            }
            group.addTask {
                await sessionLost()
                return false
            }
            group.addTask {
                for await _ in abdications { return true }
                // The stream ended without a reason: this term is over some other way.
                while !Task.isCancelled { try? await Task.sleep(for: .seconds(3600)) }
                return false
            }
            let stepsDown = await group.next() ?? false
            group.cancelAll()
            return stepsDown
        }
    }
}
