import Synchronization

/// Ctrl-C for zkcli: it stops the command in the foreground (a `watch`, say) rather than
/// the whole shell. The executable forwards SIGINT here.
public final class Interrupts: Sendable {
    private let foreground = Mutex<Task<Void, Never>?>(nil)

    public init() {}

    /// Cancels the foreground command; false if none runs.
    @discardableResult
    public func interrupt() -> Bool {
        guard let task = foreground.withLock({ $0 }) else { return false }
        task.cancel()
        return true
    }

    /// Runs `body` as the foreground command.
    func run(_ body: @escaping @Sendable () async -> Void) async {
        let task = Task { await body() }
        foreground.withLock { $0 = task }
        await task.value
        foreground.withLock { $0 = nil }
    }
}
