import ClusterProtocol
import NIOConcurrencyHelpers

/// What the failover bench counts: which agents registered (and, in a round, registered
/// again since the kill), the first offer since the kill, and each task's latest state.
final class FailoverBooks: Sendable {
    private struct State {
        var registered: Set<Int> = []
        var killedAt: ContinuousClock.Instant?
        var back: Set<Int> = []
        var allBackAt: ContinuousClock.Instant?
        var firstOfferAt: ContinuousClock.Instant?
        var tasks: [Mesos.TaskID: Mesos.TaskState] = [:]
        var reconciled: Set<Mesos.TaskID> = []
    }

    let agents: Int
    private let state = NIOLockedValueBox(State())
    private let clock = ContinuousClock()

    init(agents: Int) { self.agents = agents }

    var now: ContinuousClock.Instant { clock.now }

    /// A round starts once the leader killed at `killedAt` is gone: what the old leader
    /// sent before is not counted.
    func startRound(killedAt: ContinuousClock.Instant) {
        state.withLockedValue { state in
            state = State(registered: state.registered, killedAt: killedAt, tasks: state.tasks)
        }
    }

    func registered(_ agent: Int) {
        let now = clock.now
        state.withLockedValue { state in
            state.registered.insert(agent)
            guard state.killedAt != nil else { return }
            state.back.insert(agent)
            if state.back.count == agents, state.allBackAt == nil { state.allBackAt = now }
        }
    }

    func offered() {
        let now = clock.now
        state.withLockedValue { state in
            if state.killedAt != nil, state.firstOfferAt == nil { state.firstOfferAt = now }
        }
    }

    func updated(_ status: Mesos.TaskStatus) {
        state.withLockedValue { state in
            state.tasks[status.taskID] = status.state
            if state.killedAt != nil, status.reason == .reconciliation { state.reconciled.insert(status.taskID) }
        }
    }

    var registeredCount: Int { state.withLockedValue { $0.registered.count } }
    var runningCount: Int { state.withLockedValue { $0.tasks.values.filter { $0 == .running }.count } }
    var reconciledCount: Int { state.withLockedValue { $0.reconciled.count } }

    /// Seconds from the kill to the first offer and to the last agent back, once both came.
    var roundTimes: (firstOffer: Double, agentsBack: Double)? {
        state.withLockedValue { state in
            guard let killed = state.killedAt, let offer = state.firstOfferAt, let back = state.allBackAt else {
                return nil
            }
            return (Self.seconds(offer - killed), Self.seconds(back - killed))
        }
    }

    private static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}
