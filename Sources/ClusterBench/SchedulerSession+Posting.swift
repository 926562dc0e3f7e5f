import ClusterEdge
import ClusterProtocol

/// The benchmarks' frameworks send without waiting for the master's answer, as a busy
/// framework does; a call lost with the stream is made again after the next subscription.
extension SchedulerSession {
    func post(_ call: Mesos.SchedulerCall) { Task { try? await send(call) } }

    /// DECLINE, filtering the agents for `refuseSeconds`.
    func decline(_ offers: [Mesos.OfferID], refuseSeconds: Double) {
        guard !offers.isEmpty else { return }
        post(
            Mesos.SchedulerCall(
                type: .decline, decline: .init(offerIDs: offers, filters: .init(refuseSeconds: refuseSeconds))))
    }

    /// ACKNOWLEDGE for an update that carries a uuid.
    func acknowledge(_ status: Mesos.TaskStatus) {
        guard let uuid = status.uuid, let agentID = status.agentID else { return }
        post(
            Mesos.SchedulerCall(
                type: .acknowledge, acknowledge: .init(agentID: agentID, taskID: status.taskID, uuid: uuid)))
    }
}
