import Zab

/// The links between simulated servers: one FIFO channel each way per pair, like the TCP
/// connection ZAB assumes. A link is up or down; taking it down loses what is in flight
/// (messages carry the link's generation and are dropped on arrival if it changed); a
/// partitioned pair stays down until healed.
public struct SimulatedNetwork: Sendable {
    public struct Pair: Hashable, Sendable {
        public let a: PeerID
        public let b: PeerID
        public init(_ x: PeerID, _ y: PeerID) {
            a = min(x, y)
            b = max(x, y)
        }
    }

    private struct Direction: Hashable, Sendable {
        let from: PeerID
        let to: PeerID
    }

    /// Per pair: a generation number, odd while the link is up.
    private var links: [Pair: Int] = [:]
    public private(set) var partitioned: Set<Pair> = []
    private var lastArrival: [Direction: Int64] = [:]

    public init() {}

    public func isUp(_ a: PeerID, _ b: PeerID) -> Bool { (links[Pair(a, b)] ?? 0) % 2 == 1 }

    /// Brings a link up unless it is partitioned; true if it was down.
    public mutating func connect(_ a: PeerID, _ b: PeerID) -> Bool {
        let pair = Pair(a, b)
        guard !partitioned.contains(pair), !isUp(a, b) else { return false }
        links[pair, default: 0] += 1
        return true
    }

    /// Takes a link down; true if it was up.
    public mutating func disconnect(_ a: PeerID, _ b: PeerID) -> Bool {
        guard isUp(a, b) else { return false }
        links[Pair(a, b), default: 0] += 1
        return true
    }

    public mutating func partition(_ a: PeerID, _ b: PeerID) { partitioned.insert(Pair(a, b)) }
    public mutating func heal(_ a: PeerID, _ b: PeerID) { partitioned.remove(Pair(a, b)) }
    public mutating func healAll() { partitioned = [] }
    public func isPartitioned(_ a: PeerID, _ b: PeerID) -> Bool { partitioned.contains(Pair(a, b)) }

    /// When a message sent now from `from` to `to` arrives, keeping each direction FIFO, and
    /// the generation it travels in; nil while the link is down.
    public mutating func route(from: PeerID, to: PeerID, now: Int64, random: inout SeededRandom) -> (
        generation: Int, at: Int64
    )? {
        guard isUp(from, to), let generation = links[Pair(from, to)] else { return nil }
        let direction = Direction(from: from, to: to)
        let arrival = max(now + 1 + Int64(random.next() % 4), lastArrival[direction] ?? 0)
        lastArrival[direction] = arrival
        return (generation, arrival)
    }

    /// Whether a message sent in `generation` still arrives.
    public func isCurrent(_ from: PeerID, _ to: PeerID, generation: Int) -> Bool {
        links[Pair(from, to)] == generation && generation % 2 == 1
    }
}
