import ClusterProtocol

/// What happens to the master: calls arrive, streams open and close, time passes. The
/// edge turns HTTP requests into these; `Master.step` answers each.
public enum MasterEvent: Sendable {
    /// A scheduler's SUBSCRIBE on a new stream, already decoded and of type SUBSCRIBE.
    case schedulerSubscribe(Mesos.SchedulerCall, stream: StreamID)
    /// Any other scheduler call, with the `Mesos-Stream-Id` header it came with.
    case schedulerCall(Mesos.SchedulerCall, streamID: String?)
    /// A scheduler's stream ended (the client went away or the edge closed it).
    case schedulerClosed(StreamID)
    /// The operator API's TEARDOWN of a framework (authorised at the edge).
    case operatorTeardown(Mesos.FrameworkID)
    /// An agent's REGISTER on a new stream.
    case agentRegister(AgentCall.Register, stream: StreamID)
    /// Any other agent calls, one or a batch from one request, with the stream id header
    /// they came with.
    case agentCalls([AgentCall], streamID: String?)
    /// An agent's stream ended.
    case agentClosed(StreamID)
    /// Keeper took the registry write with this id (`refusal` nil), or refused it. A write
    /// that failed because another master leads is not answered: the edge steps down.
    case registryWritten(Int, refusal: String?)
    /// An operator's maintenance call; the answer comes as `MasterAction.answerOperator`
    /// with `request` once the registry has it, unless the reply refuses it at once.
    case maintenance(MaintenanceCall, request: Int)
    /// Time passed: timers that are due fire (allocation, heartbeats, pings, failover and
    /// offer timeouts). The edge ticks at `Master.nextWakeup` or sooner.
    case tick
}

/// How the master answers the request an event came with.
public enum MasterReply: Equatable, Sendable {
    /// 200 and a stream: SUBSCRIBE (scheduler or agent) was taken.
    case streaming
    /// 202: the call was taken; its effects, if any, come on the stream.
    case accepted
    /// 400, 403, …: the call was refused, with a message saying why.
    case rejected(status: Int, message: String)
    /// Nothing to answer (a stream closed, a tick).
    case none
}
