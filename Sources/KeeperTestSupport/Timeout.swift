import NIOConcurrencyHelpers

/// Fails a test step that takes longer than it should, instead of hanging the run.
public struct TimedOut: Error, CustomStringConvertible {
    public let after: Duration
    public var description: String { "timed out after \(after)" }
}

/// Runs `body`, throwing `TimedOut` after `limit`. The body runs in its own task and is
/// cancelled on timeout but not waited for, so a step stuck in a call that ignores
/// cancellation still fails the test in time.
public func withTimeout<T: Sendable>(
    _ limit: Duration = .seconds(10), _ body: @escaping @Sendable () async throws -> T
) async throws -> T {
    let outcome = Outcome<T>()
    let work = Task { outcome.settle(await Result(catching: body)) }
    let timer = Task {
        try? await Task.sleep(for: limit)
        outcome.settle(.failure(TimedOut(after: limit)))
    }
    defer {
        work.cancel()
        timer.cancel()
    }
    return try await outcome.value()
}

/// The first result of a race, handed to one waiter.
private final class Outcome<T: Sendable>: Sendable {
    private let state = NIOLockedValueBox<(result: Result<T, any Error>?, waiter: CheckedContinuation<T, any Error>?)>(
        (nil, nil))

    func settle(_ result: Result<T, any Error>) {
        let waiter = state.withLockedValue { state -> CheckedContinuation<T, any Error>? in
            guard state.result == nil else { return nil }
            state.result = result
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume(with: result)
    }

    func value() async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            let ready = state.withLockedValue { state -> Result<T, any Error>? in
                if let result = state.result { return result }
                state.waiter = continuation
                return nil
            }
            if let ready { continuation.resume(with: ready) }
        }
    }
}

extension Result where Failure == any Error {
    init(catching body: () async throws -> Success) async {
        do {
            self = .success(try await body())
        } catch {
            self = .failure(error)
        }
    }
}
