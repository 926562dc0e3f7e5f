import ClusterProtocol

/// What happens to the agent: the master's stream speaks or breaks, containers start and
/// end, executors call, time passes.
public enum AgentInput: Sendable {
    /// The registration stream opened (REGISTERED follows as a master event).
    case masterConnected
    /// An event on the registration stream.
    case masterEvent(AgentEvent)
    /// The registration stream broke, or could not be opened.
    case masterDisconnected
    /// A container's process started.
    case containerStarted(Mesos.ContainerID, ProcessIdentity)
    /// A container could not be started.
    case containerFailedToStart(Mesos.ContainerID, message: String)
    /// A container's main process ended.
    case containerExited(Mesos.ContainerID, ContainerExit)
    /// An executor's SUBSCRIBE on a new stream.
    case executorSubscribe(Mesos.ExecutorCall, stream: StreamID)
    /// Any other executor call.
    case executorCall(Mesos.ExecutorCall)
    /// An executor's stream ended.
    case executorClosed(StreamID)
    /// Time passed.
    case tick
    /// A health check asked for with `AgentAction.runHealthCheck` came back: passed (exit
    /// status 0 within its timeout), or why not.
    case healthChecked(Mesos.ContainerID, passed: Bool, message: String)
    /// The master refuses this agent for good (403 to REGISTER: it was removed, marked gone,
    /// or pruned from the registry): as when it is marked gone, every framework is shut
    /// down here and the agent leaves (Mesos' agent on the master's ShutdownMessage).
    case refusedByMaster(String)
    /// The agent is stopping for good: every executor is shut down and every task killed,
    /// and the tasks' ends are reported (TASK_KILLED) before the agent unregisters.
    case shutdown
}

/// How a container's main process ended.
public struct ContainerExit: Hashable, Sendable {
    /// The exit status, if it exited.
    public var exitStatus: Int32?
    /// The signal that ended it, if one did.
    public var signal: Int32?
    /// It was killed for using more memory than its limit.
    public var memoryLimitExceeded: Bool
    /// What the containerizer says about it (the memory figures, say).
    public var message: String?
    /// How it ended is not known: it ended while the agent was down, or after a restart,
    /// when the agent was no longer its parent.
    public var statusUnknown: Bool

    public init(
        exitStatus: Int32? = nil, signal: Int32? = nil, memoryLimitExceeded: Bool = false, message: String? = nil,
        statusUnknown: Bool = false
    ) {
        self.exitStatus = exitStatus
        self.signal = signal
        self.memoryLimitExceeded = memoryLimitExceeded
        self.message = message
        self.statusUnknown = statusUnknown
    }

    /// The wait status as Mesos reports it (`exit code << 8`, or the signal number).
    public var waitStatus: Int32 { exitStatus.map { $0 << 8 } ?? signal ?? 0 }
}
