import ClusterProtocol

/// What the master asks its edge to do, in order.
public enum MasterAction: Sendable, Equatable {
    /// Send an event on a scheduler's subscription stream.
    case sendToFramework(StreamID, Mesos.SchedulerEvent)
    /// End a scheduler's stream (after an ERROR, a teardown, a newer subscription).
    case closeFrameworkStream(StreamID)
    /// Send an event on an agent's stream.
    case sendToAgent(StreamID, AgentEvent)
    /// End an agent's stream.
    case closeAgentStream(StreamID)
    /// Tell operator API subscribers (the edge fans it out).
    case publish(Mesos.OperatorEvent)
    /// One line for the operator's log.
    case log(String)
    /// Write these registry operations, atomically, after every write asked for before;
    /// answer with `MasterEvent.registryWritten` and this id.
    case writeRegistry(Int, [RegistryOperation])
    /// Answer the operator's maintenance call `request`: done, or refused with a reason.
    case answerOperator(Int, refusal: String?)
}

/// The outcome of one step: the reply to the request that carried the event, and the
/// actions, in the order the edge must carry them out.
public struct MasterStep: Sendable {
    public var reply: MasterReply
    public var actions: [MasterAction]

    public init(reply: MasterReply = .none, actions: [MasterAction] = []) {
        self.reply = reply
        self.actions = actions
    }
}
