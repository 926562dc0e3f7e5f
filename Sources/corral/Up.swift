import ArgumentParser
import KeeperBench
import KeeperServer
import Logging

#if canImport(Glibc)
    import Glibc
#endif

/// `corral up`: a whole local cluster from ensemble.conf in one command, for a first look.
struct Up: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run a local cluster from ensemble.conf until Ctrl-C.")

    @Option(help: "The ensemble's config file.")
    var config = "ensemble.conf"

    @Option(help: "Where the cluster keeps its files (each server in its own subdirectory).")
    var data = "data"

    @Option(help: "trace, debug, info, notice, warning, error or critical.", transform: LogSetup.level)
    var logLevel: Logger.Level = .info

    func run() async throws {
        let logger = LogSetup.bootstrap(label: "up", level: logLevel)
        var base = try ServerSetup.load(config, id: nil, logger: logger, allowEnsemble: true)
        base.dataDir = data
        var servers: [KeeperServer] = []
        let ids = base.peers.map(\.id).sorted()
        for id in ids.isEmpty ? [0] : ids {
            let serverConfig = id == 0 ? base : try base.forServer(id)
            servers.append(
                try await KeeperServer.start(
                    config: serverConfig, logger: Logger(label: id == 0 ? "keeper" : "keeper-\(id)")))
        }
        let connect = servers.map { "127.0.0.1:\($0.port)" }.joined(separator: ",")
        let zkcli = Self.zkcliCommand()
        print(
            """

            Corral is up: \(servers.count == 1 ? "one Keeper server" : "a Keeper ensemble of \(servers.count) servers") (data in \(data)/).
              Connect:  \(connect)
              Try:      \(zkcli) --server \(connect) ls /
                        \(zkcli) --server \(connect) ensemble
                        \(zkcli) --server \(connect)        (interactive shell)
            Press Ctrl-C to stop.

            """)
        await SignalWaiter.waitForTermination()
        logger.info("stopping")
        for server in servers { await server.shutdown() }
    }

    /// The zkcli built beside this corral (`.build/release/zkcli` after scripts/build-release),
    /// or `swift run zkcli` when there is none.
    private static func zkcliCommand() -> String {
        let executable = RecoveryOptions.currentExecutable()
        guard let slash = executable.utf8.lastIndex(of: UInt8(ascii: "/")) else { return "swift run zkcli" }
        let sibling = String(executable[..<slash]) + "/zkcli"
        return access(sibling, X_OK) == 0 ? sibling : "swift run zkcli"
    }
}
