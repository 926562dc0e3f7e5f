#if canImport(Glibc)
    import Glibc
#endif

/// Starts a container's first process with posix_spawn: a new process group (pgid = pid), a
/// clean signal state, stdin from /dev/null, stdout and stderr appended to the sandbox's
/// files, the sandbox as working directory, and no descriptor of the agent's but those.
enum ContainerSpawner {
    struct Request {
        /// An absolute path.
        var executable: String
        var argv: [String]
        var environment: [String: String]
        var directory: String
        var stdoutPath: String
        var stderrPath: String
        /// Duplicated onto `ContainerLaunchShim.statusDescriptor` in the child, if given.
        var statusPipe: Int32?
    }

    /// Descriptors handed to the child are first moved at or above this, so no dup2 in the
    /// file actions maps a descriptor onto itself (which would keep its close-on-exec flag).
    static let descriptorFloor: Int32 = 10

    static func failure(_ what: String, _ code: Int32) -> ContainerError {
        ContainerError(.launchFailed, "\(what): \(String(cString: strerror(code)))")
    }

    /// Opens `path` for appending, close-on-exec, at or above `descriptorFloor`. Never
    /// through a symbolic link: a sandbox belongs to its task's user, who could otherwise
    /// point the agent's (root's) writes at any file.
    static func openForAppend(_ path: String) throws -> Int32 {
        let fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW, 0o644)
        guard fd >= 0 else {
            throw failure("cannot open \(path) (check the sandbox is writable and the disk has room)", errno)
        }
        return try raise(fd)
    }

    /// The same open file at a descriptor >= `descriptorFloor`, close-on-exec; closes `fd`.
    static func raise(_ fd: Int32) throws -> Int32 {
        defer { close(fd) }
        let raised = fcntl(fd, F_DUPFD_CLOEXEC, descriptorFloor)
        guard raised >= 0 else { throw failure("cannot duplicate descriptor \(fd)", errno) }
        return raised
    }

    /// Spawn attributes that give the child every signal at its default and none blocked
    /// (what the spawning process ignores or blocks would be inherited across exec), with
    /// `flags` besides.
    static func resetSignals(_ attributes: inout posix_spawnattr_t, flags: Int32 = 0) {
        posix_spawnattr_setflags(&attributes, Int16(flags | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        var none = sigset_t()
        sigemptyset(&none)
        posix_spawnattr_setsigmask(&attributes, &none)
        var all = sigset_t()
        sigfillset(&all)
        posix_spawnattr_setsigdefault(&attributes, &all)
    }

    /// Spawns the process and returns its pid.
    static func spawn(_ request: Request) throws -> Int32 {
        let stdoutFD = try openForAppend(request.stdoutPath)
        defer { close(stdoutFD) }
        let stderrFD = try openForAppend(request.stderrPath)
        defer { close(stderrFD) }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }

        var firstClosed: Int32 = 3
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, stdoutFD, 1)
        posix_spawn_file_actions_adddup2(&actions, stderrFD, 2)
        if let pipe = request.statusPipe {
            let target = ContainerLaunchShim.statusDescriptor
            precondition(pipe >= descriptorFloor && target == 3, "status pipe \(pipe) onto \(target)")
            posix_spawn_file_actions_adddup2(&actions, pipe, target)
            firstClosed = target + 1
        }
        // Every other descriptor, whether or not it is close-on-exec: the agent's sockets
        // and files must not leak into a task.
        let extensions = GlibcExtensions.functions
        if let addCloseFrom = extensions.addCloseFrom {
            _ = addCloseFrom(&actions, firstClosed)
        } else {
            markCloseOnExec(from: firstClosed)
        }
        guard let addChdir = extensions.addChdir else {
            throw ContainerError(
                .launchFailed, "this glibc has no posix_spawn_file_actions_addchdir_np (2.29 or later needed)")
        }
        _ = addChdir(&actions, request.directory)

        // A new process group led by the child; the agent may block or ignore signals, and
        // both would be inherited across exec.
        resetSignals(&attributes, flags: POSIX_SPAWN_SETPGROUP)
        posix_spawnattr_setpgroup(&attributes, 0)

        let argv = request.argv.map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        let environment = request.environment.sorted { $0.key < $1.key }.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { for pointer in environment { free(pointer) } }

        var pid: pid_t = 0
        let result = posix_spawn(&pid, request.executable, &actions, &attributes, argv, environment)
        guard result == 0 else {
            throw failure("cannot spawn \(request.executable) in \(request.directory)", result)
        }
        return pid
    }

    /// Without closefrom: every open descriptor from `first` up gets close-on-exec, so the
    /// exec drops it.
    private static func markCloseOnExec(from first: Int32) {
        for name in KernelFile.list("/proc/self/fd") {
            if let fd = Int32(name), fd >= first { _ = fcntl(fd, F_SETFD, fcntl(fd, F_GETFD) | FD_CLOEXEC) }
        }
    }

    /// Finds the program of argv[0]: an absolute path as is, a name with a slash relative to
    /// the sandbox, else the first executable match in `searchPath`.
    static func resolve(_ program: String, searchPath: String, directory: String) throws -> String {
        func executable(_ path: String) -> Bool {
            var info = stat()
            return stat(path, &info) == 0 && info.st_mode & S_IFMT == S_IFREG && access(path, X_OK) == 0
        }
        if program.contains("/") {
            let path = program.hasPrefix("/") ? program : directory + "/" + program
            guard executable(path) else {
                throw ContainerError(
                    .launchFailed,
                    "cannot execute \(path): \(access(path, X_OK) == 0 ? "not a regular file" : KernelFile.lastError)"
                        + " — give argv[0] as the path of an executable file")
            }
            return path
        }
        for directory in searchPath.split(separator: ":") where executable("\(directory)/\(program)") {
            return "\(directory)/\(program)"
        }
        throw ContainerError(
            .launchFailed,
            "cannot find '\(program)' in PATH \(searchPath) — give argv[0] as an absolute path or set PATH in "
                + "the environment")
    }
}
