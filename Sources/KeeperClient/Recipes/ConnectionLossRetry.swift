import KeeperProtocol

extension KeeperClient {
    /// Runs `body` again after a ConnectionLoss, once the session is back: what recipes
    /// do with calls that are safe to repeat. Any other error, session expiry included,
    /// ends it.
    func retryingOnConnectionLoss<T: Sendable>(_ body: () async throws -> T) async throws -> T {
        while true {
            do {
                return try await body()
            } catch let error as KeeperError where error.code == .connectionLoss {
                try Task.checkCancellation()
                try? await waitUntilConnected(timeout: configuration.sessionTimeout)
            }
        }
    }
}
