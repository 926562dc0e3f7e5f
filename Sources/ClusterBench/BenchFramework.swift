import ClusterCore
import ClusterEdge
import ClusterProtocol
import Logging
import NIOConcurrencyHelpers

/// The failover bench's framework: it follows the leading master (subscribing again with its
/// id when the stream ends), launches one task on each agent offered to it, declines the
/// rest for an hour (so only a new leader, which knows no filters, offers again), and
/// acknowledges every update.
final class BenchFramework: Sendable {
    let session: SchedulerSession
    let books: FailoverBooks
    let need: Resources
    private let launched = NIOLockedValueBox<Set<Mesos.AgentID>>([])

    init(master: MasterURL, books: FailoverBooks, need: Resources) {
        var logger = Logger(label: "bench-framework")
        logger.logLevel = .warning
        session = SchedulerSession(master: master, logger: logger)
        self.books = books
        self.need = need
    }

    func run() async {
        let info = Mesos.FrameworkInfo(
            user: "bench", name: "corral-bench-failover", failoverTimeout: 3600, checkpoint: true)
        while !Task.isCancelled {
            try? await session.subscribe(info) { event in
                self.handle(event)
                return !Task.isCancelled
            }
            try? await Task.sleep(for: .milliseconds(20))
        }
    }

    /// Implicit reconciliation: the master answers with every task it holds.
    func reconcile() async throws {
        try await session.send(Mesos.SchedulerCall(type: .reconcile, reconcile: .init()))
    }

    private func handle(_ event: Mesos.SchedulerEvent) {
        switch event.type {
        case .offers:
            books.offered()
            var unused: [Mesos.OfferID] = []
            for offer in event.offers?.offers ?? [] {
                guard let task = task(for: offer) else {
                    unused.append(offer.id)
                    continue
                }
                session.post(
                    Mesos.SchedulerCall(
                        type: .accept, accept: .init(offerIDs: [offer.id], operations: [.launch([task])])))
            }
            session.decline(unused, refuseSeconds: 3600)
        case .update:
            guard let status = event.update?.status else { return }
            books.updated(status)
            session.acknowledge(status)
        default: break
        }
    }

    /// The task to launch with this offer: one per agent, if it fits.
    private func task(for offer: Mesos.Offer) -> Mesos.TaskInfo? {
        guard let available = try? Resources(offer.resources), available.contains(need) else { return nil }
        guard launched.withLockedValue({ $0.insert(offer.agentID).inserted }) else { return nil }
        var task = Mesos.TaskInfo(
            name: "failover", taskID: Mesos.TaskID(value: "task-\(offer.agentID.value)"), agentID: offer.agentID,
            resources: [Mesos.Resource](need))
        task.command = Mesos.CommandInfo(value: "sleep 3600")
        return task
    }
}
