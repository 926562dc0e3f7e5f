import KeeperClient

/// zkcli with no command: reads command lines until `quit` or end of input, with the same
/// grammar as one-shot invocations, a zkCli-style prompt, `help`, and `history` kept in
/// `~/.zkcli_history`. Line editing is the terminal's own (no readline).
public struct Shell: Sendable {
    public let runner: CommandRunner
    public let servers: String
    public let interrupts: Interrupts
    public let showsPrompt: Bool

    public init(runner: CommandRunner, servers: String, interrupts: Interrupts, showsPrompt: Bool) {
        self.runner = runner
        self.servers = servers
        self.interrupts = interrupts
        self.showsPrompt = showsPrompt
    }

    /// Runs until `quit` or the end of `lines`; returns the exit status of the last command.
    public func run<Lines: AsyncSequence<String, Never>>(lines: Lines, history: History) async -> Int32 {
        var history = history
        var status: Int32 = 0
        var number = history.entries.count
        await prompt(number)
        for await line in lines {
            let trimmed = line.trimmingBlanks
            if !trimmed.isEmpty {
                history.add(trimmed)
                number += 1
                switch await execute(trimmed, history: history) {
                case .quit: return status
                case .status(let code): status = code
                }
            }
            await prompt(number)
        }
        return status
    }

    private enum Outcome {
        case status(Int32)
        case quit
    }

    private func execute(_ line: String, history: History) async -> Outcome {
        let command: Command
        do {
            command = try Command.parse(try Tokenizer.words(line))
        } catch {
            runner.terminal.err(ErrorText.line(error))
            return .status(2)
        }
        switch command {
        case .quit:
            return .quit
        case .history:
            history.listing().forEach(runner.terminal.out)
            return .status(0)
        default:
            return .status(await runInForeground(command))
        }
    }

    private func runInForeground(_ command: Command) async -> Int32 {
        await interrupts.run { [runner] in await runner.runReporting(command) }
    }

    private func prompt(_ number: Int) async {
        guard showsPrompt else { return }
        runner.terminal.prompt("[zk: \(servers)(\(await runner.client.state())) \(number)] ")
    }
}

extension String {
    var trimmingBlanks: String {
        var s = Substring(self)
        while let c = s.first, c == " " || c == "\t" || c == "\r" { s = s.dropFirst() }
        while let c = s.last, c == " " || c == "\t" || c == "\r" { s = s.dropLast() }
        return String(s)
    }
}
