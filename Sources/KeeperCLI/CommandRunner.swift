import KeeperClient
import KeeperProtocol

/// Carries out one parsed command against a client and prints what zkCli.sh prints.
/// Failures are thrown for the caller to report.
public struct CommandRunner: Sendable {
    public let client: KeeperClient
    public let terminal: any Terminal
    public let statText: StatText
    /// In the shell, `-w` watches report later, between commands (as in zkCli); one-shot,
    /// the command waits for the event.
    public let interactive: Bool

    public init(
        client: KeeperClient, terminal: any Terminal, statText: StatText = StatText(), interactive: Bool = false
    ) {
        self.client = client
        self.terminal = terminal
        self.statText = statText
        self.interactive = interactive
    }

    public func run(_ command: Command) async throws {
        switch command {
        case .ls(let path, let stat, let recursive, let watch):
            try await list(path, stat: stat, recursive: recursive, watch: watch)
        case .tree(let path, let depth):
            try await TreeNode.load(client, path: path, depth: depth).lines().forEach(terminal.out)
        case .get(let path, let stat, let watch):
            try await get(path, stat: stat, watch: watch)
        case .stat(let path):
            guard let stat = try await client.exists(path) else { throw KeeperError(.noNode, path: path) }
            printStat(stat)
        case .create(let path, let data, let mode, let ttl, let acl):
            let created = try await client.create(
                path, data: Array((data ?? "").utf8), acl: acl ?? ACL.openUnsafe, mode: mode,
                ttl: ttl.map { .milliseconds($0) })
            terminal.out("Created \(created)")
        case .set(let path, let data, let version, let stat):
            let result = try await client.setData(path, data: Array(data.utf8), version: version)
            if stat { printStat(result) }
        case .delete(let path, let version):
            try await client.delete(path, version: version)
        case .deleteAll(let path):
            try await client.deleteRecursively(path)
        case .getAcl(let path, let stat):
            let (acl, nodeStat) = try await client.getACL(path)
            ACLText.lines(acl).forEach(terminal.out)
            if stat { printStat(nodeStat) }
        case .setAcl(let path, let acl, let version, let stat):
            let result = try await client.setACL(path, acl: acl, version: version)
            if stat { printStat(result) }
        case .addAuth(let scheme, let auth):
            try await client.addAuth(scheme: scheme, credentials: Array(auth.utf8))
        case .sync(let path):
            try await client.sync(path)
            terminal.out("Sync is OK")
        case .watch(let path, let recursive):
            try await watch(path, recursive: recursive)
        case .dump(let path):
            terminal.out(try await JSONDump.load(client, path: path).rendered())
        case .whoAmI:
            terminal.out("Auth scheme: User")
            for info in try await client.whoAmI() { terminal.out("\(info.authScheme): \(info.user)") }
        case .help:
            Self.helpLines.forEach(terminal.out)
        case .ensemble:
            let hosts = client.connectString.hosts
            await EnsembleReport.load(hosts).lines().forEach(terminal.out)
        case .history, .quit:
            break
        }
    }

    /// Runs `command`, printing a failure as one line on stderr; returns the exit status
    /// (0, or 1 for a failure; an interrupted command counts as done).
    public func runReporting(_ command: Command) async -> Int32 {
        do {
            try await run(command)
            return 0
        } catch is CancellationError {
            return 0
        } catch {
            terminal.err(ErrorText.line(error))
            return 1
        }
    }

    public static var helpLines: [String] {
        [
            "zkcli [--server host:port[,host:port...][/chroot]] [--auth scheme:credentials]... [--timeout ms] cmd args",
            "With no cmd, an interactive shell. Commands:",
        ] + Command.usage.map { "\t\($0.usage)" }
    }

    private func printStat(_ stat: Stat) {
        statText.lines(stat).forEach(terminal.out)
    }

    // MARK: ls and get

    private func list(_ path: String, stat: Bool, recursive: Bool, watch: Bool) async throws {
        if recursive {
            try await listRecursively(path)
            return
        }
        if watch {
            let (children, nodeStat, watch) = try await client.getChildrenAndWatch(path)
            printChildren(children, stat: stat ? nodeStat : nil)
            try await report(watch)
        } else {
            let (children, nodeStat) = try await client.getChildrenWithStat(path)
            printChildren(children, stat: stat ? nodeStat : nil)
        }
    }

    /// zkCli's `[a, b]`, sorted.
    private func printChildren(_ children: [String], stat: Stat?) {
        terminal.out("[" + children.sorted().joined(separator: ", ") + "]")
        if let stat { printStat(stat) }
    }

    /// Every path at and below `path`, depth first, one per line.
    private func listRecursively(_ path: String) async throws {
        terminal.out(path)
        let children: [String]
        do {
            children = try await client.getChildren(path)
        } catch let error as KeeperError where error.code == .noNode && path != "/" {
            return
        }
        for child in children.sorted() { try await listRecursively(PathRules.join(path, child)) }
    }

    private func get(_ path: String, stat: Bool, watch: Bool) async throws {
        if watch {
            let (data, nodeStat, watch) = try await client.getDataAndWatch(path)
            printData(data, stat: stat ? nodeStat : nil)
            try await report(watch)
        } else {
            let (data, nodeStat) = try await client.getData(path)
            printData(data, stat: stat ? nodeStat : nil)
        }
    }

    private func printData(_ data: [UInt8], stat: Stat?) {
        terminal.out(String(decoding: data, as: UTF8.self))
        if let stat { printStat(stat) }
    }

    // MARK: Watches

    /// A -w watch's event: printed when it comes (shell) or waited for (one-shot).
    private func report(_ watch: Watch) async throws {
        let terminal = terminal
        guard interactive else {
            terminal.out(try await watch.event().description)
            return
        }
        Task {
            guard let event = try? await watch.event() else { return }
            terminal.out("\nWATCHER::\n\n\(event)")
        }
    }

    /// Prints events at `path` until cancelled: a recursive persistent watch with -R,
    /// otherwise one-shot data and child watches, re-armed after each event.
    private func watch(_ path: String, recursive: Bool) async throws {
        if recursive {
            for try await event in try await client.addWatch(path, mode: .persistentRecursive) {
                terminal.out(event.description)
            }
            return
        }
        try await OneShotWatches(client: client, path: path).run { terminal.out($0.description) }
    }
}
