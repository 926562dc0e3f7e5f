import ClusterProtocol

/// One agent as a pure state machine: it registers with the leading master, runs the
/// tasks it is sent in containers (the edge starts and kills the processes), speaks the
/// executor API to custom executors, and forwards every status update to the master
/// until the framework acknowledges it.
///
/// It reads no clock: `now` is the edge's monotonic wall-clock milliseconds. It draws no
/// random numbers: uuids and container ids come from `AgentConfig.uniqueSeed` and a counter.
///
/// It checkpoints what it runs (`AgentCheckpoint`) and, started again on the same work
/// dir, recovers from the checkpoint (`Agent.recover`).
///
/// Departures from Mesos: no TASK_KILLING; a custom executor's container limits grow with
/// its tasks but never shrink.
public struct Agent: Sendable {
    public enum Connection: Sendable, Equatable {
        case disconnected
        /// The stream is open; REGISTERED has not come yet.
        case connecting
        case registered
    }

    public let config: AgentConfig
    public internal(set) var agentID: Mesos.AgentID?
    public internal(set) var masterInfo: Mesos.MasterInfo?
    public internal(set) var connection: Connection = .disconnected
    public internal(set) var frameworks: [Mesos.FrameworkID: Mesos.FrameworkInfo] = [:]
    public internal(set) var executors: [ExecutorKey: ExecutorRun] = [:]
    public internal(set) var updates: StatusUpdates
    /// Which executor (and task, for a task's own container) each container belongs to.
    var containers: [Mesos.ContainerID: ContainerOwner] = [:]
    /// Containers started whose end the core has not yet been told of.
    public var containersRunning: Int { containers.count }
    /// Which executor runs each task (an index over `executors`).
    var taskExecutors: [TaskKey: ExecutorKey] = [:]
    var executorStreams: [StreamID: ExecutorKey] = [:]
    /// Executors shut down with their framework, until they are gone: their tasks' updates
    /// are not sent. Tasks of the framework launched afterwards are reported as usual (the
    /// master also shuts a framework down on an agent back from unreachable, and the
    /// framework goes on launching there).
    var silencedExecutors: Set<ExecutorKey> = []
    /// The health checks of running command tasks (`Agent+Health`); not checkpointed.
    var health: [TaskKey: TaskHealth] = [:]
    /// Executors that ended, oldest first, each with the tasks it ran: what `/state` lists as
    /// completed (Mesos' `completed_executors`), so that their sandboxes, still on disk,
    /// can be found. At most `completedExecutorsMax`; in memory only, as a restarted agent
    /// knows only what it runs.
    public internal(set) var completedExecutors: [ExecutorRun] = []
    public static let completedExecutorsMax = 150
    /// The tasks an executor still running has finished with, for its completed record; at
    /// most `endedTasksMax` an executor, the oldest dropped.
    var endedTasks: [ExecutorKey: [TaskRun]] = [:]
    static let endedTasksMax = 1000
    /// The master asked for a drain (until the agent registers again, when the master asks
    /// again if the drain goes on): tasks killed end with REASON_AGENT_DRAINING.
    var draining = false
    /// The master marked this agent gone (SHUTDOWN): it may never register again, and its
    /// edge leaves and exits, as Mesos' agent does.
    public internal(set) var isGone = false
    /// Shutting everything down for good (`shutdown`, or marked gone): new tasks are ignored.
    public internal(set) var isLeaving = false
    var lastHeardAt: Int64
    var pingInterval: Int64 = 15_000
    var uniqueCounter: UInt64 = 0
    var now: Int64
    var outbox: [AgentAction] = []
    /// The checkpoint last handed to the edge.
    var lastCheckpoint: AgentCheckpoint

    public init(config: AgentConfig, now: Int64) {
        self.config = config
        self.updates = StatusUpdates(retryMin: config.statusUpdateRetryMin, retryMax: config.statusUpdateRetryMax)
        self.now = now
        self.lastHeardAt = now
        self.lastCheckpoint = AgentCheckpoint(agentID: nil, agentInfo: config.agentInfo, bootID: config.bootID)
    }

    public mutating func step(_ input: AgentInput, now: Int64) -> AgentStep {
        precondition(now >= self.now, "time went back from \(self.now) to \(now)")
        self.now = now
        outbox = []
        var reply = AgentReply.none
        switch input {
        case .masterConnected: onMasterConnected()
        case .masterEvent(let event): onMasterEvent(event)
        case .masterDisconnected: onMasterDisconnected()
        case .containerStarted(let id, let process): onContainerStarted(id, process)
        case .containerFailedToStart(let id, let message): onContainerFailedToStart(id, message: message)
        case .containerExited(let id, let termination): onContainerExited(id, termination)
        case .executorSubscribe(let call, let stream): reply = onExecutorSubscribe(call, stream: stream)
        case .executorCall(let call): reply = onExecutorCall(call)
        case .executorClosed(let stream): onExecutorClosed(stream)
        case .tick: onTick()
        case .healthChecked(let containerID, let passed, let message):
            onHealthChecked(containerID, passed: passed, message: message)
        case .refusedByMaster(let reason): shutdownForGood(because: reason)
        case .shutdown: shutdownAll()
        }
        return AgentStep(reply: reply, actions: takeOutbox())
    }

    /// The step's actions, after the new checkpoint if the step changed it.
    mutating func takeOutbox() -> [AgentAction] {
        var actions = outbox
        outbox = []
        let current = checkpoint
        if current != lastCheckpoint {
            lastCheckpoint = current
            actions.insert(.checkpoint(current), at: 0)
        }
        return actions
    }

    /// When the next timer falls due.
    public var nextWakeup: Int64 {
        var wakeup = connection == .registered ? lastHeardAt + pingInterval * config.pingTimeoutsMax : Int64.max
        if connection == .registered, let retry = updates.nextRetryAt { wakeup = min(wakeup, retry) }
        wakeup = min(wakeup, nextHealthCheckAt)
        for run in executors.values {
            switch run.phase {
            case .launching(let deadline), .shuttingDown(let deadline): wakeup = min(wakeup, deadline)
            default: break
            }
        }
        return wakeup
    }

    mutating func emit(_ action: AgentAction) { outbox.append(action) }

    mutating func log(_ line: String) { outbox.append(.log(line)) }

    /// 16 bytes unique to this agent's run: the seed with a counter folded into its last
    /// seven bytes. Status update uuids and container ids.
    mutating func uniqueBytes() -> [UInt8] {
        uniqueCounter += 1
        var bytes = config.uniqueSeed
        // The counter goes in the 7 bytes after the variant's, where no bit is overwritten:
        // in bytes 8-15, the variant's two bits made every 64th id the same (found by the
        // cluster simulation, seed 37: a container id used twice, its kill never done).
        for index in 0..<7 { bytes[9 + index] ^= UInt8(truncatingIfNeeded: uniqueCounter >> (8 * UInt64(index))) }
        bytes[6] = (bytes[6] & 0x0f) | 0x40  // version 4, as a random uuid
        bytes[8] = (bytes[8] & 0x3f) | 0x80  // RFC 4122 variant
        return bytes
    }

    /// A fresh container id in uuid text form.
    mutating func newContainerID() -> Mesos.ContainerID {
        Mesos.ContainerID(value: UUIDText.format(uniqueBytes()))
    }

    var timestamp: Double { Double(now) / 1000 }
}

/// Which executor a container belongs to, and which task if it is that task's own.
struct ContainerOwner: Sendable, Equatable {
    var executor: ExecutorKey
    var task: Mesos.TaskID?
    /// Its process, once started.
    var process: ProcessIdentity?
}
