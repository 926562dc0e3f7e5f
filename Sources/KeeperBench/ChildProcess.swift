import NIOConcurrencyHelpers

#if canImport(Glibc)
    import Glibc
#endif

/// A process started with posix_spawn, its output appended to a log file and its input
/// from /dev/null. This process reaps it: `isRunning` polls with waitpid and remembers how
/// it ended.
public final class ChildProcess: Sendable {
    public let pid: pid_t
    private let ending = NIOLockedValueBox<Int32?>(nil)

    /// Starts `arguments[0]`, looked up in PATH, with the rest as its arguments, in this
    /// process's environment plus `environment`.
    public init(arguments: [String], logPath: String, environment: [String: String] = [:]) throws {
        guard let program = arguments.first else { throw BenchError.invalidOption("empty command line") }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, logPath, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        let argv = arguments.map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var pid: pid_t = 0
        var variables: [UnsafeMutablePointer<CChar>?] = []
        var index = 0
        while let entry = environ[index] {
            let text = String(cString: entry)
            let name = text.split(separator: "=", maxSplits: 1).first.map(String.init) ?? text
            if environment[name] == nil { variables.append(strdup(entry)) }
            index += 1
        }
        for (name, value) in environment.sorted(by: { $0.key < $1.key }) {
            variables.append(strdup("\(name)=\(value)"))
        }
        variables.append(nil)
        defer { for pointer in variables { free(pointer) } }
        let status = posix_spawnp(&pid, program, &actions, nil, argv, variables)
        guard status == 0 else {
            throw BenchError.serverFailed("cannot start \(program): \(String(cString: strerror(status)))")
        }
        self.pid = pid
    }

    /// False once the process has exited (and been reaped).
    public var isRunning: Bool { poll(blocking: false) == nil }

    /// The exit status, or 128 + the signal that ended it; nil while it runs.
    public var terminationStatus: Int32? { poll(blocking: false) }

    /// Blocks until the process exits; returns its status as `terminationStatus` does.
    @discardableResult
    public func waitUntilExit() -> Int32 {
        poll(blocking: true) ?? -1
    }

    private func poll(blocking: Bool) -> Int32? {
        ending.withLockedValue { ending in
            if let ending { return ending }
            var status: Int32 = 0
            var result: pid_t
            repeat {
                result = waitpid(pid, &status, blocking ? 0 : WNOHANG)
            } while result < 0 && errno == EINTR
            guard result != 0 else { return nil }
            // result < 0: no such child any more, so it has ended all the same.
            let code: Int32 = result < 0 ? -1 : Self.exitCode(status)
            ending = code
            return code
        }
    }

    /// The exit code, or 128 + the signal that ended the process (as shells report it).
    private static func exitCode(_ status: Int32) -> Int32 {
        let signal = status & 0x7f
        return signal == 0 ? (status >> 8) & 0xff : 128 + signal
    }

    public func signal(_ number: Int32) {
        if isRunning { kill(pid, number) }
    }
}
