import ClusterProtocol
import Logging
import NIOConcurrencyHelpers
import Testing

@testable import AppsServer

/// Calls to a master that does not answer.
@Suite struct CallSenderTests {
    @Test("a call the master never answers is given up after the timeout, and the calls after it go out in order")
    func hungCallIsGivenUp() async throws {
        let sent = NIOLockedValueBox<[String]>([])
        let sender = CallSender(
            send: { call in
                sent.withLockedValue { $0.append(call.type.rawValue) }
                // The first call hangs: a master that took the request and went silent.
                if call.type == .revive { try await Task.sleep(for: .seconds(3600)) }
            },
            timeout: .milliseconds(50), logger: Logger(label: "test"))
        defer { sender.stop() }
        sender.enqueue(.init(type: .revive))
        sender.enqueue(.init(type: .suppress))
        sender.enqueue(.init(type: .reconcile))
        for _ in 0..<200 where sent.withLockedValue({ $0.count }) < 3 { try await Task.sleep(for: .milliseconds(10)) }
        #expect(sent.withLockedValue { $0 } == ["REVIVE", "SUPPRESS", "RECONCILE"])
    }
}
