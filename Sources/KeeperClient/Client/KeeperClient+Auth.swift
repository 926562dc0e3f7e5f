import KeeperProtocol

/// Authentication. ZooKeeper ties identities to the connection, so the client keeps
/// every auth packet and replays it after each reconnect, before anything else.
extension KeeperClient {
    /// Adds an identity (`digest` with `user:password`, say). A refusal ends the session
    /// (AuthFailed), as ZooKeeper closes the connection.
    public func addAuth(_ authentication: Authentication) async throws {
        let box = driver
        _ = try await box.eventLoop.flatSubmit { box.value.authenticate(authentication) }.get()
    }

    public func addAuth(scheme: String, credentials: [UInt8]) async throws {
        try await addAuth(Authentication(scheme: scheme, credentials: credentials))
    }

    /// The identities this connection holds, as the server sees them.
    public func whoAmI() async throws -> [ClientInfo] {
        guard case .whoAmI(let infos) = try await call(.whoAmI, path: nil) else {
            throw KeeperError(.marshallingError)
        }
        return infos
    }
}
