import ClusterEdge
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import Testing

@testable import MasterServer

/// How a standby decides that the leader's process is gone: only refusals in a row count.
@Suite("Leader watch")
struct LeaderWatchTests {
    @Test(
        "once the leader was seen listening, three refusals in a row depose; an answer or a silence in between starts the count again"
    )
    func refusalsInARow() async {
        let answers: [ListenerProbe.Answer] = [
            .refused, .refused, .refused, .refused, .listening, .refused, .unknown, .refused, .refused, .refused,
            .listening,
        ]
        let asked = NIOLockedValueBox(0)
        let watch = LeaderWatch(interval: .zero) { _ in
            asked.withLockedValue { count in
                defer { count += 1 }
                return answers[count]
            }
        }
        #expect(await watch.waitUntilGone(HostPort(host: "127.0.0.1", port: 1)))
        #expect(asked.withLockedValue { $0 } == 10)
    }

    @Test("a leader that keeps answering is never deposed; cancelling ends the watch")
    func answeringLeader() async {
        let watch = LeaderWatch(interval: .milliseconds(1)) { _ in .listening }
        let task = Task { await watch.waitUntilGone(HostPort(host: "127.0.0.1", port: 1)) }
        try? await Task.sleep(for: .milliseconds(50))
        task.cancel()
        #expect(await task.value == false)
    }

    @Test("the probe tells a port something listens on from one it refuses")
    func probe() async throws {
        let server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .bind(host: "127.0.0.1", port: 0).get()
        let port = try #require(server.localAddress?.port)
        #expect(await ListenerProbe.probe(host: "127.0.0.1", port: port, timeout: .seconds(5)) == .listening)
        try await server.close()
        // Port 1 on 127.0.0.3: nothing listens there. (A port this test freed may be taken at
        // once by another test's server, binding all addresses, in a full parallel run.)
        #expect(await ListenerProbe.probe(host: "127.0.0.3", port: 1, timeout: .seconds(5)) == .refused)
        // An unspecified address would reach this host, not the announcer's: never a verdict.
        #expect(await ListenerProbe.probe(host: "0.0.0.0", port: port, timeout: .seconds(5)) == .unknown)
    }
}
