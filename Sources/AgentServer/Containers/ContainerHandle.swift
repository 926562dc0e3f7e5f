/// A launched container's process, as the containerizer started it.
///
/// A pid alone names a process only while it lives; after a restart the agent finds its
/// containers again by pid AND start time (field 22 of /proc/PID/stat, clock ticks after
/// boot), which no reused pid repeats.
public struct ContainerHandle: Sendable, Hashable {
    public let containerID: String
    /// The main process: the task's command or the executor.
    public let pid: Int32
    /// Its start time, field 22 of /proc/PID/stat.
    public let startTime: UInt64
    /// The cgroup directories the process was placed in before it executed the program (empty
    /// without cgroup isolation).
    public let cgroups: [String]
    public let sandbox: String

    /// The process group the main process leads; kills are sent to it.
    public var processGroup: Int32 { pid }

    public init(containerID: String, pid: Int32, startTime: UInt64, cgroups: [String], sandbox: String) {
        self.containerID = containerID
        self.pid = pid
        self.startTime = startTime
        self.cgroups = cgroups
        self.sandbox = sandbox
    }
}
