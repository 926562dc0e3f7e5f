import CorralTLS
import Foundation
import KeeperClient

/// zkcli's whole behaviour, so that it runs in-process in tests: connect with the global
/// options, then run one command or the shell. The executable only parses the global
/// options and hands over the rest of the command line.
public enum ZkCli {
    public struct Options: Sendable {
        public var servers: String
        /// `scheme:credentials` pairs sent before anything else (`digest:user:password`).
        public var auth: [String]
        public var sessionTimeout: Duration
        /// How long to wait for the first connection.
        public var connectTimeout: Duration
        public var historyFile: String?
        public var statText: StatText
        /// Connect over TLS with these files (`--tls`); nil for plaintext.
        public var tls: TLSSettings?

        public init(
            servers: String, auth: [String] = [], sessionTimeout: Duration = .seconds(30),
            connectTimeout: Duration = .seconds(10), historyFile: String? = History.defaultFile,
            statText: StatText = StatText()
        ) {
            self.servers = servers
            self.auth = auth
            self.sessionTimeout = sessionTimeout
            self.connectTimeout = connectTimeout
            self.historyFile = historyFile
            self.statText = statText
        }
    }

    /// Exit statuses: 0 success, 1 a failed operation, 2 a usage error.
    public static func run<Lines: AsyncSequence<String, Never>>(
        _ options: Options, arguments: [String], terminal: any Terminal, input: Lines, showsPrompt: Bool,
        interrupts: Interrupts = Interrupts()
    ) async -> Int32 {
        let command: Command?
        var authentication: [Authentication] = []
        do {
            command = arguments.isEmpty ? nil : try Command.parse(arguments)
            for text in options.auth {
                guard let auth = Authentication(parsing: text) else {
                    throw UsageError("--auth \(text): expected scheme:credentials")
                }
                authentication.append(auth)
            }
        } catch {
            terminal.err(ErrorText.line(error))
            return 2
        }
        if command == .help {
            CommandRunner.helpLines.forEach(terminal.out)
            return 0
        }
        if command == .ensemble {
            guard let hosts = try? ConnectString(options.servers).hosts else {
                terminal.err("Bad server list: \(options.servers)")
                return 2
            }
            let report = await EnsembleReport.load(hosts)
            report.lines().forEach(terminal.out)
            return report.rows.contains { $0.mode == "unreachable" } ? 1 : 0
        }
        var configuration = KeeperClient.Configuration()
        configuration.sessionTimeout = options.sessionTimeout
        configuration.authentication = authentication
        configuration.tls = options.tls
        let client: KeeperClient
        do {
            client = try await KeeperClient.connect(
                options.servers, configuration: configuration, timeout: options.connectTimeout)
        } catch let error as KeeperError where error.code == .connectionLoss {
            terminal.err("Could not connect to \(options.servers)")
            return 1
        } catch {
            terminal.err(ErrorText.line(error))
            return 1
        }
        let status = await run(
            command, client: client, options: options, terminal: terminal, input: input,
            showsPrompt: showsPrompt, interrupts: interrupts)
        await client.close()
        return status
    }

    private static func run<Lines: AsyncSequence<String, Never>>(
        _ command: Command?, client: KeeperClient, options: Options, terminal: any Terminal, input: Lines,
        showsPrompt: Bool, interrupts: Interrupts
    ) async -> Int32 {
        guard let command else {
            let runner = CommandRunner(
                client: client, terminal: terminal, statText: options.statText, interactive: true)
            let shell = Shell(
                runner: runner, servers: options.servers, interrupts: interrupts, showsPrompt: showsPrompt)
            return await shell.run(lines: input, history: History(file: options.historyFile))
        }
        let runner = CommandRunner(client: client, terminal: terminal, statText: options.statText)
        return await interrupts.run { await runner.runReporting(command) }
    }

    /// Standard input as lines, read on a thread of its own so that no task blocks on it.
    public static func standardInputLines() -> AsyncStream<String> {
        let (lines, continuation) = AsyncStream<String>.makeStream()
        let reader = Thread {
            while let line = readLine(strippingNewline: true) { continuation.yield(line) }
            continuation.finish()
        }
        reader.start()
        return lines
    }
}
