import NIOConcurrencyHelpers

/// Ctrl-C for zkcli: it stops the command in the foreground (a `watch`, say) rather than
/// the whole shell. The executable forwards SIGINT here, from its signal handler's thread.
public final class Interrupts: Sendable {
    /// Cancels the foreground command, if one runs.
    private let cancelForeground = NIOLockedValueBox<(@Sendable () -> Void)?>(nil)

    public init() {}

    /// Cancels the foreground command; false if none runs.
    @discardableResult
    public func interrupt() -> Bool {
        guard let cancel = cancelForeground.withLockedValue({ $0 }) else { return false }
        cancel()
        return true
    }

    /// Runs `body` as the foreground command and returns what it returns.
    func run<T: Sendable>(_ body: @escaping @Sendable () async -> T) async -> T {
        let task = Task { await body() }
        cancelForeground.withLockedValue { $0 = { task.cancel() } }
        let result = await task.value
        cancelForeground.withLockedValue { $0 = nil }
        return result
    }
}
