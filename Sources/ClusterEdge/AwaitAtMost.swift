/// Waits for `body` at most `limit`; past it, `body` is cancelled and the wait ends.
public func awaitAtMost(_ limit: Duration, _ body: @escaping @Sendable () async -> Void) async {
    await withTaskGroup(of: Void.self) { group in
        group.addTask { await body() }
        group.addTask { try? await Task.sleep(for: limit) }
        await group.next()
        group.cancelAll()
    }
}
