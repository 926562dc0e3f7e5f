import AppsCore
import ClusterProtocol
import NIOConcurrencyHelpers
import Testing

@testable import AppsServer

/// The order the pipeline carries out the scheduler's actions in, and what a refused
/// Keeper write does.
@Suite struct ActionPipelineTests {
    /// What the effects saw, in order.
    private final class Journal: Sendable {
        let entries = NIOLockedValueBox<[String]>([])
        func add(_ entry: String) { entries.withLockedValue { $0.append(entry) } }
        var all: [String] { entries.withLockedValue { $0 } }
    }

    private func pipeline(
        _ journal: Journal, refuse: @escaping @Sendable ([AppsStoreOperation]) -> Bool = { _ in false }
    )
        -> ActionPipeline
    {
        ActionPipeline(
            effects: .init(
                write: { operations in
                    // A slow Keeper: a call after the write must still wait for it.
                    try await Task.sleep(for: .milliseconds(20))
                    if refuse(operations) { throw AppsStoreError.superseded }
                    journal.add("write \(operations.count)")
                },
                send: { call in journal.add("call \(call.type.rawValue)") },
                publish: { _ in journal.add("publish") },
                probe: { probe in journal.add("probe \(probe.taskID)") },
                log: { line in journal.add("log \(line)") }),
            failed: { reason in journal.add("failed: \(reason)") })
    }

    @Test("consecutive store operations are one write, made before the call after them; batches keep their order")
    func writesBeforeCalls() async {
        let journal = Journal()
        let pipeline = pipeline(journal)
        let first = pipeline.enqueue([
            .store(.removeTask("a")), .store(.removeTask("b")), .call(.init(type: .revive)), .store(.removeTask("c")),
        ])
        let second = pipeline.enqueue([.call(.init(type: .suppress)), .log("done")])
        #expect(await pipeline.waitUntilDone(second!))
        #expect(await pipeline.waitUntilDone(first!))
        #expect(journal.all == ["write 2", "call REVIVE", "write 1", "call SUPPRESS", "log done"])
    }

    @Test("a refused write stops the pipeline: nothing after it runs, its waiters and later ones hear false")
    func refusedWriteStops() async {
        let journal = Journal()
        let pipeline = pipeline(journal) { operations in operations.contains(.removeTask("x")) }
        let refused = pipeline.enqueue([.store(.removeTask("x")), .call(.init(type: .revive))])
        let after = pipeline.enqueue([.call(.init(type: .suppress))])
        #expect(await pipeline.waitUntilDone(refused!) == false)
        #expect(await pipeline.waitUntilDone(after!) == false)
        #expect(journal.all.count == 1)
        #expect(journal.all.first?.hasPrefix("failed: Keeper refused a write") == true)
        #expect(pipeline.enqueue([.log("late")]) == nil)
    }

    @Test("users' changes are refused once batchesQueuedMax batches wait")
    func boundedQueue() async {
        let journal = Journal()
        let gate = NIOLockedValueBox(true)
        let pipeline = ActionPipeline(
            effects: .init(
                write: { _ in while gate.withLockedValue({ $0 }) { try await Task.sleep(for: .milliseconds(5)) } },
                send: { _ in }, publish: { _ in }, probe: { _ in }, log: { journal.add($0) }),
            failed: { _ in })
        var tickets: [Int] = []
        for _ in 0...ActionPipeline.batchesQueuedMax { tickets.append(pipeline.enqueue([.store(.removeTask("t"))])!) }
        // One batch is being written; the rest wait.
        try? await Task.sleep(for: .milliseconds(50))
        #expect(pipeline.hasRoom == false)
        gate.withLockedValue { $0 = false }
        #expect(await pipeline.waitUntilDone(tickets.last!))
        #expect(pipeline.hasRoom)
    }
}
