import KeeperClient
import KeeperTestSupport

/// A connected client chrooted into a fresh test subtree, closed afterwards.
func withClient<T: Sendable>(
    sessionTimeout: Duration = .seconds(6), _ body: (KeeperClient) async throws -> T
) async throws -> T {
    try await TestServers.withTestRoot { hosts, root in
        let client = try await KeeperClient.connect(
            hosts + root, configuration: TestServers.testConfiguration(sessionTimeout: sessionTimeout))
        do {
            let result = try await body(client)
            await client.close()
            return result
        } catch {
            await client.close()
            throw error
        }
    }
}

/// A second client on the same subtree (another session).
func otherClient(of client: KeeperClient) async throws -> KeeperClient {
    try await KeeperClient.connect(client.connectString.description, configuration: TestServers.testConfiguration())
}

func bytes(_ string: String) -> [UInt8] { Array(string.utf8) }

/// The error a call throws, as a KeeperError (nil if it did not throw one).
func keeperError(_ body: () async throws -> Void) async -> KeeperError? {
    do {
        try await body()
        return nil
    } catch let error as KeeperError {
        return error
    } catch {
        return nil
    }
}
