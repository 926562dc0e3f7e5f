#if canImport(Glibc)
    import Glibc
#endif

/// What stands between a container's process and its program when the agent may restart
/// while it runs (`corral container-wait STATUS_FILE -- PROGRAM ARGS…`, the role of Mesos'
/// command executor): it runs the program as its child, waits for it, writes the wait
/// status to STATUS_FILE, and ends as the program did (the same exit status, or killed by
/// the same signal). An agent that started again is not the parent of the processes it
/// takes back and cannot learn how they ended; it reads the file instead.
///
/// It ignores SIGTERM, SIGINT, SIGHUP and SIGQUIT, which reach the whole process group on a
/// kill, so that it waits through the program's grace period; the program gets every
/// signal's default. It is in the container's cgroups and process group, and costs the
/// container about 2 MiB of its memory.
public enum ContainerWaitShim {
    /// How the containerizer starts it: `argv` (the agent's executable and the
    /// subcommand), and where the status files go (one per container).
    public struct Setup: Sendable {
        public var argv: [String]
        public var directory: String

        public init(argv: [String], directory: String) {
            self.argv = argv
            self.directory = directory
        }

        func statusPath(_ containerID: String) -> String { directory + "/" + containerID + ".exit" }

        /// The shim's argv around the program's.
        func argv(statusPath: String, program: [String]) -> [String] { argv + [statusPath, "--"] + program }

        /// The wait status a container's shim wrote, if it did.
        func status(of containerID: String) -> Int32? {
            KernelFile.readIfPresent(statusPath(containerID)).flatMap { Int32($0.filter { !$0.isWhitespace }) }
        }

        func removeStatus(of containerID: String) { unlink(statusPath(containerID)) }
    }

    /// The shim's exit status when the program cannot be started.
    public static let cannotRun: Int32 = 127

    /// Runs `program` (an absolute path first) to its end; never returns.
    public static func run(statusPath: String, program: [String]) -> Never {
        for signal in [SIGTERM, SIGINT, SIGHUP, SIGQUIT] { Glibc.signal(signal, SIG_IGN) }
        var status: Int32 = cannotRun << 8
        if let pid = spawn(program) {
            while waitpid(pid, &status, 0) < 0 {
                guard errno == EINTR else {
                    status = cannotRun << 8
                    break
                }
            }
        }
        record(status, at: statusPath)
        end(as: status)
    }

    /// The program as a child with every signal at its default and none blocked; nil
    /// (with the reason on stderr) if it cannot start.
    private static func spawn(_ program: [String]) -> pid_t? {
        guard let path = program.first else { return nil }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        ContainerSpawner.resetSignals(&attributes)
        let argv = program.map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var pid: pid_t = 0
        let failure = posix_spawn(&pid, path, nil, &attributes, argv, environ)
        guard failure == 0 else {
            let line = "corral container-wait: cannot run \(path): \(String(cString: strerror(failure)))\n"
            _ = line.withCString { write(2, $0, strlen($0)) }
            return nil
        }
        return pid
    }

    /// The wait status as decimal text, renamed into place whole.
    private static func record(_ status: Int32, at path: String) {
        let temporary = path + ".tmp"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { return }
        let text = "\(status)\n"
        _ = text.withCString { write(fd, $0, strlen($0)) }
        close(fd)
        rename(temporary, path)
    }

    /// Exits as the program did: with its status, or by its signal (without a core dump).
    private static func end(as status: Int32) -> Never {
        switch ContainerTermination.ending(waitStatus: status) {
        case .exited(let code): exit(code)
        case .signaled(let signal):
            var noCore = rlimit(rlim_cur: 0, rlim_max: 0)
            setrlimit(Int32(RLIMIT_CORE.rawValue), &noCore)
            Glibc.signal(signal, SIG_DFL)
            var set = sigset_t()
            sigemptyset(&set)
            sigaddset(&set, signal)
            sigprocmask(SIG_UNBLOCK, &set, nil)
            kill(getpid(), signal)
            exit(128 + signal)
        case .unknown: exit(cannotRun)
        }
    }
}
