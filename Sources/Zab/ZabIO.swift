/// What happens to a peer. Time comes with every event; nothing in the peer reads a clock.
public enum ZabEvent: Sendable {
    /// Time passed.
    case tick
    case received(from: PeerID, ZabMessage)
    /// The channel to a peer is up (again); messages sent while it was down were lost.
    case connected(PeerID)
    case disconnected(PeerID)
    /// Every entry up to this zxid is on stable storage.
    case persisted(upTo: Int64)
}

/// What a peer asks its shell to do, in order. `saveEpochs`, `truncateLog` and
/// `installSnapshot` must be durable before the actions after them are carried out;
/// `persist` is asynchronous and answered by `.persisted`.
public enum ZabAction: Sendable, Equatable {
    case send(to: PeerID, ZabMessage)
    /// Append to the log; report `.persisted` once synced.
    case persist([ZabEntry])
    case saveEpochs(accepted: Int64, current: Int64)
    /// Cut the log after this zxid.
    case truncateLog(after: Int64)
    /// Replace the state above ZAB with the leader's, at `zxid`, durably.
    case installSnapshot([UInt8], zxid: Int64)
    /// Apply these committed entries, in order.
    case deliver([ZabEntry])
    /// The peer's role changed.
    case role(ZabRole)
    /// Send the state above ZAB, as of the last delivered entry, to a follower: the shell
    /// sends `.sync(Sync(snapshot: state, snapshotZxid: delivered, entries: entries))` in
    /// this action's place.
    case sendSnapshot(to: PeerID, delivered: Int64, entries: [ZabEntry])
    case notice(String)
}

/// A peer's role as the servers above it and the four-letter words see it.
public enum ZabRole: Hashable, Sendable, CustomStringConvertible {
    case looking
    /// Synchronising with or following `leader`; `serving` once up to date.
    case following(leader: PeerID, serving: Bool)
    /// Leading epoch `epoch`; `established` once a quorum holds the initial history.
    case leading(epoch: Int64, established: Bool)

    public var description: String {
        switch self {
        case .looking: return "looking"
        case .following(let leader, let serving): return serving ? "following \(leader)" : "syncing with \(leader)"
        case .leading(let epoch, let established):
            return established ? "leading epoch \(epoch)" : "leading (establishing)"
        }
    }
}
