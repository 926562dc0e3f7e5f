import MasterCore

/// Carries out the core's registry writes for one term of leadership, one at a time in the
/// order asked for (each applies to the registry the last one left), and reports each:
/// taken, or refused with why. Any other failure (a newer leader claimed the registry,
/// Keeper lost) ends the term: `abdicate` is called once and nothing more is written.
///
/// At most `writesQueuedMax` writes wait; one more also abdicates: a master whose registry
/// falls that far behind cannot answer registrations, and a standby may do better.
final class RegistryWriter: Sendable {
    static let writesQueuedMax = 10_000

    private let queue: AsyncStream<(Int, [RegistryOperation])>.Continuation
    private let worker: Task<Void, Never>
    private let abdicate: @Sendable (String) async -> Void

    init(
        write: @escaping @Sendable ([RegistryOperation]) async throws -> Void,
        report: @escaping @Sendable (Int, _ refusal: String?) async -> Void,
        abdicate: @escaping @Sendable (String) async -> Void
    ) {
        let (writes, queue) = AsyncStream<(Int, [RegistryOperation])>.makeStream(
            bufferingPolicy: .bufferingOldest(Self.writesQueuedMax))
        self.queue = queue
        self.abdicate = abdicate
        worker = Task {
            for await (id, operations) in writes {
                do {
                    try await write(operations)
                    await report(id, nil)
                } catch RegistryStoreError.refused(let why) {
                    await report(id, why)
                } catch {
                    await abdicate("writing the registry failed: \(error)")
                    return
                }
            }
        }
    }

    func write(_ id: Int, _ operations: [RegistryOperation]) {
        if case .dropped = queue.yield((id, operations)) {
            let abdicate = abdicate
            Task { await abdicate("\(Self.writesQueuedMax) registry writes are waiting for Keeper") }
        }
    }

    /// Ends the term: writes still waiting are not made.
    func stop() {
        queue.finish()
        worker.cancel()
    }
}
