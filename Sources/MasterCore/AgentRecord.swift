import ClusterCore
import ClusterProtocol

/// The master's record of one agent: what it announced, its stream, and the tasks on it.
public struct AgentRecord: Sendable {
    public var info: Mesos.AgentInfo
    public var total: Resources
    /// The registration stream; nil while the agent is disconnected.
    public var stream: StreamID?
    public var registeredAt: Int64
    public var reregisteredAt: Int64?
    public var nextPingAt: Int64
    /// When the agent last registered or called (a PONG among its calls): silent for
    /// `agentSilenceMax`, it is marked unreachable.
    public var lastHeardAt: Int64
    public var version: Int
    /// The tasks on it, by framework and id.
    public var tasks: Set<TaskKey> = []

    public var id: Mesos.AgentID { info.id! }
    public var modelID: AgentID { AgentID(id.value) }
    public var isConnected: Bool { stream != nil }
}
