import AppsCore
import ClusterEdge
import KeeperClient
import KeeperTestSupport
import Logging
import Testing

@testable import AppsServer

/// The host's answers to users' changes when Keeper refuses its writes.
@Suite("Apps host")
struct AppsHostTests {
    private func app(_ id: String) -> AppUpdate {
        var update = AppUpdate()
        update.id = id
        update.cmd = "sleep 100"
        return update
    }

    /// A host leading on a fresh state in the test Keeper, with no master to reach: its
    /// abdications, the Keeper client, the state's path and the election node.
    static func leading(authentication: AppsAuthentication? = nil) async throws -> (
        AppsHost, AsyncStream<String>, KeeperClient, String, String
    ) {
        let (store, client, path, node) = try await AppsStoreTests.store()
        _ = try await store.claim(leaderID: "a", leading: node)
        var settings = AppsSettings(
            zk: try MasterURL(parsing: "zk://127.0.0.1:1/apps"), master: try MasterURL(parsing: "127.0.0.1:1"))
        settings.authentication = authentication
        let host = AppsHost(settings: settings, logger: Logger(label: "test"))
        let session = SchedulerSession(master: settings.master, logger: Logger(label: "test"))
        let abdications = await host.lead(state: AppsState(), store: store, session: session, idPrefix: "t1")
        return (host, abdications, client, path, node)
    }

    @Test(
        "a leader superseded in Keeper answers no change as done: the change whose write failed, and every one stepped after it, hear 503"
    )
    func supersededAnswersNothingDone() async throws {
        let (host, abdications, client, path, node) = try await Self.leading()
        defer { Task { await client.close() } }
        guard case .reply(.deployment) = await host.request(.create(app("/first"))) else {
            Issue.record("the first change should be stored")
            return
        }
        // Another instance claims the state: this one's next write fails.
        _ = try await AppsStore(client: client, path: path).claim(leaderID: "b", leading: node)
        let outcomes = await withTaskGroup(of: AppsHost.Outcome.self) { group in
            for index in 0..<10 { group.addTask { await host.request(.create(self.app("/app\(index)"))) } }
            var outcomes: [AppsHost.Outcome] = []
            for await outcome in group { outcomes.append(outcome) }
            return outcomes
        }
        for outcome in outcomes {
            if case .reply(.deployment) = outcome {
                Issue.record("a change was answered as done though Keeper refused it")
            }
        }
        for await reason in abdications {
            #expect(reason.contains("claimed the state"))
            break
        }
        #expect(host.role == .standby(leader: nil))
    }

    @Test("once its pipeline stopped (a write failed, the step-down not yet run), a change is answered 503, not done")
    func stoppedPipelineRefuses() async throws {
        let (host, _, client, _, _) = try await Self.leading()
        defer { Task { await client.close() } }
        await host.pipeline?.stop("a write failed")
        guard case .failed = await host.request(.create(app("/late"))) else {
            Issue.record("a change stepped on a stopped pipeline must not be answered as done")
            return
        }
        #expect(await host.read { $0.apps.isEmpty } == true)
    }
}
