import ArgumentParser
import Dispatch
import Foundation
import KeeperCLI

/// zkcli: a ZooKeeper command line in the manner of zkCli.sh. Only the global options are
/// parsed here; the command and its arguments follow KeeperCLI's grammar, which the
/// interactive shell shares.
@main
struct Zkcli: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "zkcli",
        abstract: "A ZooKeeper command line: one command, or an interactive shell without one.",
        discussion: "Commands:\n" + KeeperCLI.Command.usage.map { "  \($0.usage)" }.joined(separator: "\n"))

    @Option(name: .long, help: "Servers: HOST:PORT[,HOST:PORT...][/chroot].")
    var server = "127.0.0.1:2181"

    @Option(name: .long, help: "Authenticate first with scheme:credentials (digest:user:password); repeatable.")
    var auth: [String] = []

    @Option(name: .long, help: "Session timeout in milliseconds.")
    var timeout = 30_000

    @Argument(parsing: .captureForPassthrough, help: "The command and its arguments.")
    var command: [String] = []

    func run() async throws {
        let interrupts = Interrupts()
        let signals = Self.forwardInterrupts(to: interrupts)
        let options = ZkCli.Options(servers: server, auth: auth, sessionTimeout: .milliseconds(timeout))
        let status = await ZkCli.run(
            options, arguments: command, terminal: StandardTerminal(), input: ZkCli.standardInputLines(),
            showsPrompt: isatty(0) == 1, interrupts: interrupts)
        signals.cancel()
        throw ExitCode(status)
    }

    /// Ctrl-C stops the command in the foreground; with none running, it ends zkcli.
    private static func forwardInterrupts(to interrupts: Interrupts) -> any DispatchSourceSignal {
        signal(SIGINT, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: SIGINT)
        source.setEventHandler {
            if !interrupts.interrupt() { Foundation.exit(130) }
        }
        source.resume()
        return source
    }
}
