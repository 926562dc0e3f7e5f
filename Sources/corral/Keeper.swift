import ArgumentParser
import KeeperServer
import Logging

/// `corral keeper --config FILE [--id N]`: one Keeper server.
struct Keeper: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run one Keeper server.")

    @Option(help: "A zoo.cfg-style file, such as ensemble.conf.")
    var config: String

    @Option(help: "Which server.N line of the config this server is.")
    var id: Int?

    @Option(help: "trace, debug, info, notice, warning, error or critical.", transform: LogSetup.level)
    var logLevel: Logger.Level = .info

    func run() async throws {
        let logger = LogSetup.bootstrap(label: "keeper", level: logLevel)
        let serverConfig = try ServerSetup.load(config, id: id, logger: logger)
        let server = try await KeeperServer.start(config: serverConfig, logger: logger)
        ParentWatch.startIfAsked(logger: logger)
        let failure = await SignalWaiter.waitForTermination(orFailureOf: server)
        logger.info("shutting down")
        await server.shutdown()
        if let failure { throw failure }
    }
}
