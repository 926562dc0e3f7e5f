import ArgumentParser
import CorralTLS
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

    @Flag(name: .long, help: "Connect over TLS (a server's secureClientPort).")
    var tls = false

    @Option(name: .long, help: "With --tls: PEM file of the CAs the server's certificate must chain to.")
    var ca: String?

    @Option(
        name: .long,
        help: "With --tls: PEM file with this client's certificate chain (and its key, unless --key names it).")
    var cert: String?

    @Option(name: .long, help: "With --tls: PEM file with this client's private key.")
    var key: String?

    @Flag(name: .long, help: "With --tls: accept a server certificate that does not name the host dialled.")
    var noHostnameVerification = false

    @Argument(parsing: .captureForPassthrough, help: "The command and its arguments.")
    var command: [String] = []

    func run() async throws {
        let interrupts = Interrupts()
        let signals = Self.forwardInterrupts(to: interrupts)
        var options = ZkCli.Options(servers: server, auth: auth, sessionTimeout: .milliseconds(timeout))
        options.tls = try tlsSettings()
        let status = await ZkCli.run(
            options, arguments: command, terminal: StandardTerminal(), input: ZkCli.standardInputLines(),
            showsPrompt: isatty(0) == 1, interrupts: interrupts)
        signals.cancel()
        throw ExitCode(status)
    }

    private func tlsSettings() throws -> TLSSettings? {
        guard tls else {
            if ca != nil || cert != nil || key != nil { throw ValidationError("--ca, --cert and --key need --tls") }
            return nil
        }
        if key != nil && cert == nil { throw ValidationError("--key needs --cert") }
        var settings = TLSSettings(keyStore: cert, trustStore: ca)
        settings.keyFile = key
        settings.hostnameVerification = !noHostnameVerification
        return settings
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
