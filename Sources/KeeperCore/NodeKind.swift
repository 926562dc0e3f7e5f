import KeeperProtocol

/// What kind of znode a node is, as ZooKeeper encodes it in the stored ephemeralOwner
/// (`EphemeralType`): 0 for persistent, a session id for an ephemeral, `Int64.min` for a
/// container, and `0xFF` in the top byte with the TTL in the low 40 bits for a TTL node.
/// Session ids never collide with the markers: their top byte is a server id below 0xFF
/// and a session id equal to `Int64.min` is skipped when ids are handed out.
public enum NodeKind: Hashable, Sendable {
    case persistent
    case ephemeral(session: Int64)
    case container
    case ttl(milliseconds: Int64)

    /// ZooKeeper's largest TTL: 40 bits of milliseconds, about 34.8 years.
    public static let ttlMax: Int64 = 0xFF_FFFF_FFFF
    private static let extendedMask = Int64(bitPattern: 0xFF00_0000_0000_0000)
    private static let ttlMarker = Int64(bitPattern: 0xFF00_0000_0000_0000)

    public init(storedOwner owner: Int64) {
        if owner == 0 {
            self = .persistent
        } else if owner == Int64.min {
            self = .container
        } else if owner & Self.extendedMask == Self.ttlMarker {
            self = .ttl(milliseconds: owner & Self.ttlMax)
        } else {
            self = .ephemeral(session: owner)
        }
    }

    /// The value stored in the node and written to logs and snapshots.
    public var storedOwner: Int64 {
        switch self {
        case .persistent: return 0
        case .ephemeral(let session): return session
        case .container: return Int64.min
        case .ttl(let milliseconds): return Self.ttlMarker | (milliseconds & Self.ttlMax)
        }
    }

    /// What a client sees in Stat.ephemeralOwner: only real sessions show; containers and
    /// TTL nodes show 0, as in ZooKeeper.
    public var clientOwner: Int64 {
        if case .ephemeral(let session) = self { return session }
        return 0
    }

    public var isEphemeral: Bool {
        if case .ephemeral = self { return true }
        return false
    }
}
