import KeeperServer
import Logging

/// The Swift Keeper server, started in the test process once and shared by the tests:
/// the default server of the client and zkcli integration tests. The same settings as
/// the Apache ZooKeeper launcher: a 1 s tick, TTL nodes on, no connection limit, every
/// four-letter word; in memory.
public actor InProcessKeeper {
    public static let shared = InProcessKeeper()
    /// One start for every caller: the actor may be re-entered while the server starts.
    private var starting: Task<KeeperServer, Error>?

    public func hosts() async throws -> String {
        if starting == nil { starting = Task { try await Self.start() } }
        let server = try await starting!.value
        return "\(TestPorts.host):\(server.port)"
    }

    private static func start() async throws -> KeeperServer {
        var config = KeeperConfig()
        config.tickTime = 1000
        config.clientPort = 0
        config.clientPortAddress = TestPorts.host
        config.maxClientCnxns = 0
        config.fourLetterWords = ["*"]
        config.extendedTypesEnabled = true
        var logger = Logger(label: "keeper-under-test")
        logger.logLevel = .critical
        return try await KeeperServer.start(config: config, logger: logger)
    }
}
