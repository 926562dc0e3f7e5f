/// Fails a test step that takes longer than it should, instead of hanging the run.
public struct TimedOut: Error, CustomStringConvertible {
    public let after: Duration
    public var description: String { "timed out after \(after)" }
}

public func withTimeout<T: Sendable>(
    _ limit: Duration = .seconds(10), _ body: @escaping @Sendable () async throws -> T
) async throws -> T {
    try await withThrowingTaskGroup(of: T.self) { group in
        group.addTask { try await body() }
        group.addTask {
            try await Task.sleep(for: limit)
            throw TimedOut(after: limit)
        }
        defer { group.cancelAll() }
        guard let first = try await group.next() else { throw TimedOut(after: limit) }
        return first
    }
}
