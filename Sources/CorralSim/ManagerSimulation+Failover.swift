import ClusterProtocol
import MasterCore

/// The leading master killed, and another elected. The new one starts from the registry as
/// Keeper holds it: every write Keeper took, including some the killed master never heard
/// taken. Agents and schedulers find it as through Keeper's election: their streams break,
/// and they register and subscribe again, refused (503) until it leads.
extension ManagerSimulation {
    static func masterConfig(_ settings: Settings, epoch: Int) -> MasterConfig {
        let id = epoch == 0 ? "sim" : "sim\(epoch)"
        var config = MasterConfig(masterInfo: Mesos.MasterInfo(id: id, ip: 1, port: 5050))
        config.agentPingInterval = settings.pingInterval
        config.maxAgentPingTimeouts = settings.maxPings
        return config
    }

    /// Keeper took write `id` (or the store refused it): the registry it holds moves on,
    /// and the master that asked hears of it, unless it was killed meanwhile. Its registry
    /// must then be Keeper's.
    mutating func registryWritten(_ id: Int, epoch: Int) throws {
        guard epoch == masterEpoch, !leaderless, let write = registryInFlight.first, write.id == id else { return }
        registryInFlight.removeFirst()
        let refusal = keeperTakes(write.operations)
        if let refusal { note("registry write \(id) refused: \(refusal)") }
        stepMaster(.registryWritten(id, refusal: refusal))
        guard master.registry == keeperRegistry else {
            throw violation("after registry write \(id) the master's registry is not the one Keeper holds")
        }
    }

    /// Applies a write as the registry's store does (`RegistryStore.write`): whole, or not
    /// at all if one of its operations does not apply; returns the refusal then.
    @discardableResult
    mutating func keeperTakes(_ operations: [RegistryOperation]) -> String? {
        var next = keeperRegistry
        for operation in operations {
            switch next.applying(operation) {
            case .success(let applied): next = applied
            case .failure(let refusal): return "\(refusal)"
            }
        }
        keeperRegistry = next
        return nil
    }

    /// The leading master is killed: Keeper took some of its writes in flight (the first
    /// few, in order), every stream to it breaks, and nobody leads until the next election.
    mutating func killMaster() {
        let taken = random.between(0, registryInFlight.count)
        note("the leading master is killed; Keeper took \(taken) of its \(registryInFlight.count) writes in flight")
        for write in registryInFlight.prefix(taken) { keeperTakes(write.operations) }
        registryInFlight = []
        leaderless = true
        masterTickAt = nil
        for index in agents.indices {
            guard let generation = agents[index].stream else { continue }
            cutStreams.insert(Self.agentStream(index, generation).value)
            // A partitioned agent hears the connection end once the partition heals.
            let heard = (partitionEnd(index) ?? now) + Int64(random.between(1, 20))
            queue.schedule(.agentStreamEnds(index, stream: generation), at: heard)
        }
        for index in schedulers.indices {
            guard let generation = schedulers[index].stream, let stream = schedulers[index].streamID else { continue }
            cutStreams.insert(stream.value)
            queue.schedule(.schedulerStreamEnds(index, stream: generation), at: now + Int64(random.between(1, 20)))
        }
        if let generation = apps.stream, let stream = apps.streamID {
            cutStreams.insert(stream.value)
            queue.schedule(.appsStreamEnds(stream: generation), at: now + Int64(random.between(1, 20)))
        }
        queue.schedule(.masterElected, at: now + Int64(random.between(100, settings.electionDelayMax)))
    }

    mutating func masterElected() {
        masterEpoch += 1
        leaderless = false
        master = Master(config: Self.masterConfig(settings, epoch: masterEpoch), now: now, registry: keeperRegistry)
        note(
            "master \(master.config.masterInfo.id) elected; the registry holds \(keeperRegistry.agents.count) agents and \(keeperRegistry.frameworks.count) frameworks"
        )
        stepMaster(.tick)
    }
}
