import ArgumentParser
import Foundation
import KeeperServer
import Logging

/// `corral up`: a whole local cluster from ensemble.conf in one command, for a first look.
struct Up: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run a local cluster from ensemble.conf until Ctrl-C.")

    @Option(help: "The ensemble's config file.")
    var config = "ensemble.conf"

    @Option(help: "Where the cluster keeps its files (each server in its own subdirectory).")
    var data = "data"

    @Option(help: "trace, debug, info, notice, warning, error or critical.")
    var logLevel: Logger.Level = .info

    func run() async throws {
        let logger = LogSetup.bootstrap(label: "up", level: logLevel)
        var base = try ServerSetup.load(config, id: nil, logger: logger, allowEnsemble: true)
        base.dataDir = data
        // Replication comes with the ensemble; until then the first server serves alone.
        let first = base.peers.map(\.id).min()
        let serverConfig = try first.map { id throws(ConfigError) in try base.forServer(id) } ?? base
        if base.peers.count > 1 {
            logger.notice("ensemble.conf lists \(base.peers.count) servers; replication is not built yet, so server \(first ?? 0) serves alone")
        }
        let server = try await KeeperServer.start(config: serverConfig, logger: Logger(label: "keeper"))
        let connect = "127.0.0.1:\(server.port)"
        print("""

            Corral is up.
              Keeper:   \(connect)  (data in \(serverConfig.dataDir ?? data))
              Try:      swift run zkcli --server \(connect) ls /
                        swift run zkcli --server \(connect)        (interactive shell)
            Press Ctrl-C to stop.

            """)
        await SignalWaiter.waitForTermination()
        logger.info("stopping")
        await server.shutdown()
    }
}
