import Foundation

/// Runs blocking work (a simulation loop, a blocking socket, waiting for a process) on a
/// thread of its own, so that it never holds one of the few threads Swift concurrency
/// runs every test's tasks on.
public func onThread<T: Sendable>(_ name: String = "test-work", _ body: @escaping @Sendable () throws -> T) async throws
    -> T
{
    try await withCheckedThrowingContinuation { continuation in
        let thread = Thread {
            do { continuation.resume(returning: try body()) } catch { continuation.resume(throwing: error) }
        }
        thread.name = name
        thread.start()
    }
}
