extension KeeperClient {
    /// Returns once this client's session can no longer be trusted: it ended (expired,
    /// closed, auth failed), or it has been without a server for `timeout` in a row. By then
    /// the servers may have expired it, and whatever its ephemeral nodes claimed (a
    /// leadership) may belong to another client: a client cut off from every server hears of
    /// the expiry only once it reaches one again. Curator calls this LOST; Mesos' master
    /// exits on it. Reconnecting within `timeout` keeps the session trusted.
    public func waitUntilSessionLost(after timeout: Duration) async {
        let events = await sessionEvents()
        if await state() != .connected, await !reconnects(within: timeout) { return }
        for await event in events {
            switch event {
            case .suspended:
                if await !reconnects(within: timeout) { return }
            case .expired, .closed, .authFailed:
                return
            case .connected, .reconnected:
                continue
            }
        }
    }

    /// True if the session is connected within `timeout` (at once if it is now).
    private func reconnects(within timeout: Duration) async -> Bool {
        guard !Task.isCancelled else { return false }
        return (try? await waitUntilConnected(timeout: timeout)) != nil
    }
}
