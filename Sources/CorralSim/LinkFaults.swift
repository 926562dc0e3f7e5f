import Zab

/// What both simulations do to the link between two servers: cut it (the connection drops
/// and is made again at once) or flip a partition between them. Each simulation says how
/// its servers connect and disconnect.
protocol LinkFaults {
    var network: SimulatedNetwork { get set }
    var random: SeededRandom { get set }
    mutating func note(_ text: String)
    mutating func connect(_ a: PeerID, _ b: PeerID) throws
    mutating func disconnect(_ a: PeerID, _ b: PeerID) throws
}

extension LinkFaults {
    mutating func injectLinkFaults(_ a: PeerID, _ b: PeerID, cutChance: Double, partitionChance: Double) throws {
        guard a != b else { return }
        if random.chance(cutChance) {
            note("cut \(a)-\(b)")
            try disconnect(a, b)
            try connect(a, b)
        }
        if random.chance(partitionChance) {
            if network.isPartitioned(a, b) {
                note("heal \(a)-\(b)")
                network.heal(a, b)
                try connect(a, b)
            } else {
                note("partition \(a)-\(b)")
                network.partition(a, b)
                try disconnect(a, b)
            }
        }
    }
}
