/// What to run in a container: one process (a task's command or an executor), its sandbox,
/// its exact environment and its resource limits.
///
/// The process starts in `sandbox` (created if missing), with stdin from /dev/null and
/// stdout and stderr appended to `sandbox/stdout` and `sandbox/stderr`, as in Mesos.
public struct ContainerSpec: Sendable, Equatable {
    /// Names the container: a cgroup directory and the containerizer's key, so it is a
    /// single path component of at most `containerIDLengthMax` characters from
    /// `[A-Za-z0-9._-]` (Mesos container ids are UUIDs).
    public var containerID: String
    /// An absolute directory; the working directory of the process. It stays after the
    /// container is destroyed.
    public var sandbox: String
    /// argv[0] is an absolute path, or a name looked up in the PATH of `environment` (or in
    /// `ContainerSpec.defaultSearchPath` if it has none).
    public var argv: [String]
    /// The whole environment of the process: nothing of the agent's is inherited.
    public var environment: [String: String]
    /// The memory limit, bytes; nil for none.
    public var memoryLimitBytes: Int?
    /// The relative CPU weight in Mesos' units (1024 per CPU, at least `cpuSharesMin`);
    /// nil leaves the kernel's default.
    public var cpuShares: Int?
    /// The user the process runs as, its sandbox given to it; nil: the agent's user.
    public var user: String?

    public static let containerIDLengthMax = 200
    public static let cpuSharesMin = 2
    public static let cpuSharesMax = 262_144
    public static let defaultSearchPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

    public init(
        containerID: String, sandbox: String, argv: [String], environment: [String: String] = [:],
        memoryLimitBytes: Int? = nil, cpuShares: Int? = nil, user: String? = nil
    ) {
        self.user = user
        self.containerID = containerID
        self.sandbox = sandbox
        self.argv = argv
        self.environment = environment
        self.memoryLimitBytes = memoryLimitBytes
        self.cpuShares = cpuShares
    }

    public var workingDirectory: String { sandbox }

    /// Throws a `ContainerError` naming the first field that cannot be launched as given.
    func validate() throws {
        func invalid(_ what: String) -> ContainerError {
            ContainerError(.invalidSpec, "cannot launch container '\(containerID)': \(what)")
        }
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-")
        guard !containerID.isEmpty, containerID.count <= Self.containerIDLengthMax,
            containerID != ".", containerID != "..", containerID.allSatisfy({ allowed.contains($0) })
        else {
            throw invalid(
                "the container id must be 1 to \(Self.containerIDLengthMax) characters from [A-Za-z0-9._-]")
        }
        guard sandbox.hasPrefix("/") else { throw invalid("the sandbox '\(sandbox)' is not an absolute path") }
        guard let program = argv.first, !program.isEmpty else { throw invalid("argv is empty") }
        guard !(argv + [sandbox]).contains(where: { $0.utf8.contains(0) }) else {
            throw invalid("argv and the sandbox path must not contain NUL bytes")
        }
        for (name, value) in environment {
            guard !name.isEmpty, !name.contains("="), !(name + value).utf8.contains(0) else {
                throw invalid("the environment variable name '\(name)' is empty or holds '=' or NUL")
            }
        }
        if let limit = memoryLimitBytes, limit <= 0 {
            throw invalid("the memory limit must be positive, not \(limit)")
        }
        if let shares = cpuShares, !(Self.cpuSharesMin...Self.cpuSharesMax).contains(shares) {
            throw invalid("cpu shares must be within \(Self.cpuSharesMin)...\(Self.cpuSharesMax), not \(shares)")
        }
    }
}
