import Foundation
import KeeperServer
import Logging

/// Starts an in-process Keeper server on a free loopback port for one test.
func withServer<T>(
    _ adjust: (inout KeeperConfig) -> Void = { _ in },
    _ body: (KeeperServer) async throws -> T
) async throws -> T {
    var config = KeeperConfig()
    config.clientPort = 0
    config.clientPortAddress = "127.0.0.1"
    config.fourLetterWords = ["*"]
    config.tickTime = 100
    // Sessions as long as the client asks, up to 20 s: a client's thread may wait seconds
    // for a turn while the whole suite runs at once on two cores. Tests of expiry ask for
    // short sessions.
    config.maxSessionTimeout = 20_000
    adjust(&config)
    var logger = Logger(label: "test-keeper")
    logger.logLevel = ProcessInfo.processInfo.environment["CORRAL_TEST_LOG"] != nil ? .info : .critical
    let server = try await KeeperServer.start(config: config, logger: logger)
    do {
        let result = try await body(server)
        await server.shutdown()
        return result
    } catch {
        await server.shutdown()
        throw error
    }
}
