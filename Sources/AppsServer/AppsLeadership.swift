import ClusterEdge
import FoundationEssentials
import KeeperClient
import KeeperProtocol
import Logging
import ServiceLifecycle

/// Contends for Apps' leadership under `--zk` PATH/leader and, while leading, keeps the
/// framework subscribed to the master; runs the host's timers. A leader that loses its
/// znode or its Keeper session, or whose state write Keeper refuses, stands by again and
/// contends anew.
struct AppsLeadership: Service {
    static let electionPrefix = "member_"

    let host: AppsHost
    let settings: AppsSettings
    /// How a standby learns that the leader's process died; nil waits for its session.
    let leaderWatch: LeaderWatch?
    let logger: Logger

    func run() async throws {
        await cancelWhenGracefulShutdown {
            await withTaskGroup(of: Void.self) { group in
                group.addTask { await host.runTimers() }
                group.addTask { await contend() }
                await group.next()
                group.cancelAll()
            }
        }
        await host.standBy(leader: nil)
    }

    private func contend() async {
        guard case .keeper(let connectString, let path, _) = settings.zk else { return }
        let electionPath = PathRules.join(path, "leader")
        let sessionTimeout = Duration.milliseconds(settings.zkSessionTimeout)
        while !Task.isCancelled {
            do {
                let access = settings.zk.keeperAccess
                let configuration = access.configuration(sessionTimeout: sessionTimeout)
                let client = try await KeeperClient.connect(connectString, configuration: configuration)
                defer { Task { await client.close() } }
                try await client.ensurePath(electionPath, acl: access.acl)
                let election = LeaderElection(
                    client: client, path: electionPath, prefix: Self.electionPrefix, acl: access.acl)
                let own = Array(settings.address.utf8)
                let candidacy = Candidacy(
                    election: election, own: own, leaderWatch: leaderWatch, role: "Apps instance", logger: logger)
                let host = self.host
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask {
                        try await candidacy.follow(
                            address: { HostPort(parsing: String(decoding: $0, as: UTF8.self)) },
                            note: { await host.noteLeader($0) })
                    }
                    let leadership = try await election.lead(data: own)
                    let term = UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
                    let store = AppsStore(client: client, path: path, acl: access.acl)
                    let state = try await store.claim(leaderID: term, leading: leadership.node)
                    let session = SchedulerSession(
                        master: settings.master, credential: settings.credential, logger: logger)
                    let abdications = await host.lead(
                        state: state, store: store, session: session, idPrefix: String(term.prefix(12)))
                    let hostTerm = await host.currentTerm
                    group.addTask { await subscribe(session, term: hostTerm) }
                    group.addTask {
                        await AgentCapacityWatch(
                            master: settings.master, credential: settings.credential, host: host, logger: logger
                        ).run(
                            term: hostTerm)
                    }
                    await candidacy.hold(
                        leadership, until: abdications, client: client, sessionTimeout: sessionTimeout)
                    await host.standBy(leader: nil)
                    group.cancelAll()
                }
            } catch {
                if Task.isCancelled { return }
                logger.warning("Contending at zk://\(connectString)\(electionPath): \(error); trying again in 1 s")
                await host.standBy(leader: nil)
            }
            try? await Task.sleep(for: .seconds(1))
        }
    }

    /// Keeps the framework subscribed while this term lasts, with the framework id the
    /// master gave before (the master then keeps its tasks: no task restarts on failover).
    private func subscribe(_ session: SchedulerSession, term: Int) async {
        while !Task.isCancelled {
            let info = settings.frameworkInfo(id: await host.frameworkID)
            do {
                try await session.subscribe(info) { event in await host.handle(event, term: term) }
            } catch {
                if Task.isCancelled { return }
                logger.warning("Subscribing to the master at \(settings.master): \(error); trying again in 1 s")
            }
            await host.disconnected(term: term)
            try? await Task.sleep(for: .seconds(1))
        }
    }
}
