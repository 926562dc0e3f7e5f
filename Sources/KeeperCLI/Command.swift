import KeeperProtocol

/// One zkcli command, parsed. The grammar is zkCli.sh's, shared by one-shot invocations
/// and the interactive shell.
public enum Command: Equatable, Sendable {
    case ls(path: String, stat: Bool, recursive: Bool, watch: Bool)
    case tree(path: String, depth: Int?)
    case get(path: String, stat: Bool, watch: Bool)
    case stat(path: String)
    case create(path: String, data: String?, mode: CreateMode, ttl: Int64?, acl: [ACL]?)
    case set(path: String, data: String, version: Int32, stat: Bool)
    case delete(path: String, version: Int32)
    case deleteAll(path: String)
    case getAcl(path: String, stat: Bool)
    case setAcl(path: String, acl: [ACL], version: Int32, stat: Bool)
    case addAuth(scheme: String, auth: String)
    case sync(path: String)
    case watch(path: String, recursive: Bool)
    case dump(path: String)
    case whoAmI
    /// One row per server: mode, zxid, epoch, lag (from each server's `srvr`).
    case ensemble
    case help
    case history
    case quit

    /// A command's usage line, shown on a usage error and by help.
    public static let usage: [(name: String, usage: String)] = [
        ("ls", "ls [-s] [-R] [-w] path"),
        ("tree", "tree [--depth N] [path]"),
        ("get", "get [-s] [-w] path"),
        ("stat", "stat path"),
        ("create", "create [-e] [-s] [-c] [-t ttl] path [data] [acl]"),
        ("set", "set [-s] [-v version] path data"),
        ("delete", "delete [-v version] path"),
        ("deleteall", "deleteall path"),
        ("getAcl", "getAcl [-s] path"),
        ("setAcl", "setAcl [-s] [-v version] path acl"),
        ("addauth", "addauth scheme auth"),
        ("sync", "sync path"),
        ("watch", "watch [-R] path"),
        ("dump", "dump path --json"),
        ("whoami", "whoami"),
        ("ensemble", "ensemble"),
        ("help", "help"),
        ("history", "history"),
        ("quit", "quit"),
    ]

    public static func usage(of name: String) -> String {
        usage.first { $0.name.lowercased() == name.lowercased() }?.usage ?? name
    }
}

/// A command line that does not follow the grammar.
public struct UsageError: Error, Equatable, CustomStringConvertible {
    public let message: String
    public var description: String { message }

    init(_ message: String) {
        self.message = message
    }

    static func usage(_ command: String) -> UsageError { UsageError("Usage: \(Command.usage(of: command))") }
}

extension Command {
    /// Parses `words` (the command name first). Options may come before or after the
    /// arguments; `--` ends the options.
    public static func parse(_ words: [String]) throws(UsageError) -> Command {
        guard let name = words.first else { throw UsageError("no command; try help") }
        var args = Arguments(Array(words.dropFirst()), command: name)
        switch name.lowercased() {
        case "ls": return try parseLs(&args)
        case "tree":
            let depth = try args.value("--depth").map { (text: String) throws(UsageError) -> Int in
                guard let n = Int(text), n >= 0 else { throw UsageError("tree: bad depth \(text)") }
                return n
            }
            return .tree(path: try args.optionalPositional() ?? "/", depth: depth)
        case "get":
            let (stat, watch) = (args.flag("-s"), args.flag("-w"))
            return .get(path: try args.single(), stat: stat, watch: watch)
        case "stat": return .stat(path: try args.single())
        case "create": return try parseCreate(&args)
        case "set":
            let (stat, version) = (args.flag("-s"), try args.version())
            let (path, data) = try args.pair()
            return .set(path: path, data: data, version: version, stat: stat)
        case "delete", "rmr":
            let version = try args.version()
            return .delete(path: try args.single(), version: version)
        case "deleteall": return .deleteAll(path: try args.single())
        case "getacl":
            let stat = args.flag("-s")
            return .getAcl(path: try args.single(), stat: stat)
        case "setacl":
            let (stat, version) = (args.flag("-s"), try args.version())
            let (path, text) = try args.pair()
            return .setAcl(path: path, acl: try ACLText.parse(text), version: version, stat: stat)
        case "addauth":
            let (scheme, auth) = try args.pair()
            return .addAuth(scheme: scheme, auth: auth)
        case "sync": return .sync(path: try args.single())
        case "watch":
            let recursive = args.flag("-R")
            return .watch(path: try args.single(), recursive: recursive)
        case "dump":
            _ = args.flag("--json")
            return .dump(path: try args.single())
        case "whoami": return try args.none(.whoAmI)
        case "ensemble": return try args.none(.ensemble)
        case "help", "--help", "-h": return .help
        case "history": return try args.none(.history)
        case "quit", "exit": return .quit
        default: throw UsageError("Command not found: \(name); try help")
        }
    }

    private static func parseLs(_ args: inout Arguments) throws(UsageError) -> Command {
        let (stat, recursive, watch) = (args.flag("-s"), args.flag("-R"), args.flag("-w"))
        return .ls(path: try args.single(), stat: stat, recursive: recursive, watch: watch)
    }

    private static func parseCreate(_ args: inout Arguments) throws(UsageError) -> Command {
        let ephemeral = args.flag("-e")
        let sequential = args.flag("-s")
        let container = args.flag("-c")
        let ttl = try args.value("-t").map { (text: String) throws(UsageError) -> Int64 in
            guard let ttl = Int64(text), ttl > 0 else { throw UsageError("create: bad ttl \(text)") }
            return ttl
        }
        if container && (ephemeral || sequential || ttl != nil) {
            throw UsageError("create: -c cannot be combined with -e, -s or -t")
        }
        if ephemeral && ttl != nil { throw UsageError("create: -e cannot be combined with -t") }
        let positionals = try args.positionals(1...3)
        let mode = CreateMode(ephemeral: ephemeral, sequential: sequential, container: container, ttl: ttl != nil)
        let acl = try positionals.count > 2 ? ACLText.parse(positionals[2]) : nil
        return .create(
            path: positionals[0], data: positionals.count > 1 ? positionals[1] : nil, mode: mode, ttl: ttl, acl: acl)
    }
}

/// A command's words after its name, consumed option by option.
struct Arguments {
    private var words: [String]
    private let command: String

    init(_ words: [String], command: String) {
        self.words = words
        self.command = command
    }

    /// Whether `flag` is present (it is removed).
    mutating func flag(_ flag: String) -> Bool {
        guard let index = optionIndex(flag) else { return false }
        words.remove(at: index)
        return true
    }

    /// The value after `option`, if the option is present.
    mutating func value(_ option: String) throws(UsageError) -> String? {
        guard let index = optionIndex(option) else { return nil }
        guard index + 1 < words.count else { throw UsageError("\(command): \(option) needs a value") }
        let value = words[index + 1]
        words.removeSubrange(index...index + 1)
        return value
    }

    mutating func version() throws(UsageError) -> Int32 {
        guard let text = try value("-v") else { return -1 }
        guard let version = Int32(text) else { throw UsageError("\(command): bad version \(text)") }
        return version
    }

    /// Options count only before a `--`.
    private func optionIndex(_ option: String) -> Int? {
        let end = words.firstIndex(of: "--") ?? words.count
        return words[..<end].firstIndex(of: option)
    }

    /// The positional words; an unknown option is an error.
    func positionals(_ allowed: ClosedRange<Int>) throws(UsageError) -> [String] {
        var result: [String] = []
        var optionsEnded = false
        for word in words {
            if !optionsEnded && word == "--" {
                optionsEnded = true
            } else if !optionsEnded && word.hasPrefix("-") && word.count > 1 {
                throw UsageError("\(command): unknown option \(word). Usage: \(Command.usage(of: command))")
            } else {
                result.append(word)
            }
        }
        guard allowed.contains(result.count) else { throw .usage(command) }
        return result
    }

    func single() throws(UsageError) -> String { try positionals(1...1)[0] }

    func optionalPositional() throws(UsageError) -> String? { try positionals(0...1).first }

    func pair() throws(UsageError) -> (String, String) {
        let words = try positionals(2...2)
        return (words[0], words[1])
    }

    func none(_ command: Command) throws(UsageError) -> Command {
        _ = try positionals(0...0)
        return command
    }
}
