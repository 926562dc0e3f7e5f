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
    /// The `truncateLog(after:)` asked for is on stable storage.
    case truncated(after: Int64)
    /// The `installSnapshot` asked for is on stable storage.
    case snapshotInstalled(zxid: Int64)
    /// The state above ZAB could not take what `from` sent in its sync (a snapshot that
    /// does not decode): leave that leader and elect again.
    case syncRejected(from: PeerID, reason: String)
}

/// What a peer asks its shell to do, in order. `saveEpochs` must be durable before the
/// actions after it are carried out. `persist`, `truncateLog` and `installSnapshot` go to
/// the disk in the order asked, asynchronously, and each is answered once durable (by
/// `.persisted`, `.truncated` and `.snapshotInstalled`); nothing the peer sends depends on
/// them before that answer.
public enum ZabAction: Sendable, Equatable {
    case send(to: PeerID, ZabMessage)
    /// Append to the log; report `.persisted` once synced.
    case persist([ZabEntry])
    case saveEpochs(accepted: Int64, current: Int64)
    /// Cut the log after this zxid; report `.truncated` once durable.
    case truncateLog(after: Int64)
    /// Replace the state above ZAB with the leader's, at `zxid`, and cut the log after
    /// `zxid`; report `.snapshotInstalled` once both are durable.
    case installSnapshot([UInt8], zxid: Int64)
    /// Apply these committed entries, in order.
    case deliver([ZabEntry])
    /// The peer's role changed.
    case role(ZabRole)
    /// Send the state above ZAB, as of the last delivered entry, to a follower: the shell
    /// sends `.sync(Sync(snapshot: state, snapshotZxid: delivered, entries: entries))` in
    /// this action's place.
    case sendSnapshot(to: PeerID, delivered: Int64, entries: [ZabEntry])
    /// Close the channel to a peer (it reconnects on its own): a follower leaving its
    /// leader, or a leader stepping down, ends the session between them, as ZooKeeper
    /// closes the learner's socket, so nothing either sends later counts as that session's.
    case disconnect(PeerID)
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
