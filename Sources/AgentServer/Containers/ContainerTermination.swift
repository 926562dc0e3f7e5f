#if canImport(Glibc)
    import Glibc
#endif

/// How a container's main process ended, and whether it was the memory limit that ended it.
public struct ContainerTermination: Sendable, Equatable, CustomStringConvertible {
    public enum Ending: Sendable, Equatable, CustomStringConvertible {
        /// The process called exit with this status.
        case exited(status: Int32)
        /// A signal ended the process.
        case signaled(signal: Int32)
        /// Its exit status was lost: something else reaped it (a waitpid(-1) elsewhere).
        case unknown

        public var description: String {
            switch self {
            case .exited(let status): return "exit status \(status)"
            case .signaled(let signal): return "signal \(ContainerTermination.signalName(signal))"
            case .unknown: return "an unknown status"
            }
        }
    }

    public let ending: Ending
    /// The memory limit killed the container (cgroup OOM kill, or the polling monitor over
    /// the limit); the agent reports TASK_FAILED with REASON_CONTAINER_LIMITATION_MEMORY.
    public let memoryLimitExceeded: Bool
    /// The limit the container ran under, bytes.
    public let memoryLimitBytes: Int?
    /// The most memory it was seen to use, bytes (the cgroup's maximum usage, or the largest
    /// RSS the monitor measured), when known.
    public let memoryMaxUsedBytes: Int?
    /// The containerizer killed it (kill, destroy or the memory limit), rather than it ending
    /// by itself.
    public let killedByContainerizer: Bool

    public init(
        ending: Ending, memoryLimitExceeded: Bool = false, memoryLimitBytes: Int? = nil,
        memoryMaxUsedBytes: Int? = nil, killedByContainerizer: Bool = false
    ) {
        self.ending = ending
        self.memoryLimitExceeded = memoryLimitExceeded
        self.memoryLimitBytes = memoryLimitBytes
        self.memoryMaxUsedBytes = memoryMaxUsedBytes
        self.killedByContainerizer = killedByContainerizer
    }

    /// Decodes a waitpid status (the WIFEXITED/WTERMSIG macros do not reach Swift).
    static func ending(waitStatus status: Int32) -> Ending {
        let low = status & 0x7f
        if low == 0 { return .exited(status: (status >> 8) & 0xff) }
        if low != 0x7f { return .signaled(signal: low) }
        return .unknown
    }

    /// The exit status, if the process exited.
    public var exitStatus: Int32? {
        if case .exited(let status) = ending { return status }
        return nil
    }

    /// The signal that ended the process, if one did.
    public var signal: Int32? {
        if case .signaled(let signal) = ending { return signal }
        return nil
    }

    /// The text for TaskStatus.message, in Mesos' words.
    public var message: String {
        if memoryLimitExceeded {
            let limit = memoryLimitBytes.map(Self.megabytes) ?? "unknown"
            let used = memoryMaxUsedBytes.map(Self.megabytes) ?? "unknown"
            return "Memory limit exceeded: Requested: \(limit) Maximum Used: \(used)"
        }
        switch ending {
        case .exited(let status): return "Command exited with status \(status)"
        case .signaled(let signal): return "Command terminated by signal \(Self.signalName(signal))"
        case .unknown: return "Command exit status unknown: it was reaped outside the containerizer"
        }
    }

    public var description: String { message }

    static func megabytes(_ bytes: Int) -> String { "\(bytes / (1024 * 1024))MB" }

    static func signalName(_ signal: Int32) -> String {
        let names: [Int32: String] = [
            SIGHUP: "SIGHUP", SIGINT: "SIGINT", SIGQUIT: "SIGQUIT", SIGILL: "SIGILL", SIGABRT: "SIGABRT",
            SIGBUS: "SIGBUS", SIGFPE: "SIGFPE", SIGKILL: "SIGKILL", SIGSEGV: "SIGSEGV", SIGPIPE: "SIGPIPE",
            SIGALRM: "SIGALRM", SIGTERM: "SIGTERM", SIGUSR1: "SIGUSR1", SIGUSR2: "SIGUSR2",
        ]
        return names[signal] ?? "\(signal)"
    }
}
