import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1

/// A connect and the cancellation of the task waiting for it, whichever comes first: the
/// first outcome resumes the waiter, later ones are turned away.
final class ConnectRace: Sendable {
    typealias Connection = NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart>

    private enum State {
        case idle
        case waiting(CheckedContinuation<Connection, any Error>)
        /// Cancelled before anyone waited.
        case cancelled
        case done
    }

    private let state = NIOLockedValueBox(State.idle)

    /// Registers the waiter; false (and the waiter resumed with CancellationError) if the
    /// task was cancelled already.
    func wait(_ continuation: CheckedContinuation<Connection, any Error>) -> Bool {
        let cancelled = state.withLockedValue { state -> Bool in
            if case .cancelled = state {
                state = .done
                return true
            }
            state = .waiting(continuation)
            return false
        }
        if cancelled { continuation.resume(throwing: CancellationError()) }
        return !cancelled
    }

    /// Resumes the waiter with `outcome` if nothing did before; returns whether it did.
    @discardableResult
    func finish(_ outcome: Result<Connection, any Error>) -> Bool {
        let waiter = state.withLockedValue { state -> CheckedContinuation<Connection, any Error>? in
            switch state {
            case .waiting(let continuation):
                state = .done
                return continuation
            case .idle:
                if case .failure(let error) = outcome, error is CancellationError { state = .cancelled }
                return nil
            case .cancelled, .done:
                return nil
            }
        }
        waiter?.resume(with: outcome)
        return waiter != nil
    }
}
