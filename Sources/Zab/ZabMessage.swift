/// A server of the ensemble, by its `server.N` number.
public typealias PeerID = Int

/// A logged transaction as ZAB sees it: a zxid and bytes it does not look into.
public struct ZabEntry: Hashable, Sendable {
    public var zxid: Int64
    public var payload: [UInt8]

    public init(zxid: Int64, payload: [UInt8]) {
        self.zxid = zxid
        self.payload = payload
    }
}

/// Where a peer stands, as its election notifications say.
public enum PeerState: Int32, Hashable, Sendable {
    case looking = 0
    case following = 1
    case leading = 2
}

/// An election notification (ZooKeeper's FastLeaderElection Notification): whom the sender
/// votes for, with that candidate's epoch and last zxid, in which election round, and the
/// sender's own state.
public struct Vote: Hashable, Sendable {
    public var leader: PeerID
    public var zxid: Int64
    public var epoch: Int64
    public var round: Int64
    public var state: PeerState

    public init(leader: PeerID, zxid: Int64, epoch: Int64, round: Int64, state: PeerState) {
        self.leader = leader
        self.zxid = zxid
        self.epoch = epoch
        self.round = round
        self.state = state
    }

    /// ZAB's total order on candidates: higher epoch, then higher zxid, then higher id.
    public func isBetter(than other: Vote) -> Bool {
        (epoch, zxid, leader) > (other.epoch, other.zxid, other.leader)
    }
}

/// What one peer sends another. The phases follow the ZAB paper and ZooKeeper's Learner
/// protocol: election (vote), discovery (followerInfo, leaderInfo, ackEpoch),
/// synchronisation (sync, newLeader, ackNewLeader, upToDate), broadcast (proposal, ack,
/// commit), liveness (ping), and `app` for what the servers above ZAB exchange (forwarded
/// requests, session touches) in the same FIFO channel.
public enum ZabMessage: Hashable, Sendable {
    case vote(Vote)
    case followerInfo(acceptedEpoch: Int64, lastZxid: Int64)
    case leaderInfo(epoch: Int64)
    case ackEpoch(currentEpoch: Int64, lastZxid: Int64)
    /// How the follower's history becomes the leader's: cut it after `truncateAfter` (if
    /// set), or replace it with the leader's state (`snapshot`, at `snapshotZxid`), then
    /// append `entries`.
    case sync(Sync)
    /// Sent after the sync: the new epoch; `historyEnd` is the last zxid of the initial
    /// history the follower now holds.
    case newLeader(epoch: Int64, historyEnd: Int64)
    case ackNewLeader(epoch: Int64)
    /// The quorum holds the initial history: deliver it and start serving.
    case upToDate
    case proposal(ZabEntry)
    case ack(zxid: Int64)
    case commit(zxid: Int64)
    case ping
    case app([UInt8])

    public struct Sync: Hashable, Sendable {
        public var truncateAfter: Int64?
        public var snapshot: [UInt8]?
        public var snapshotZxid: Int64
        public var entries: [ZabEntry]

        public init(truncateAfter: Int64? = nil, snapshot: [UInt8]? = nil, snapshotZxid: Int64 = 0, entries: [ZabEntry])
        {
            self.truncateAfter = truncateAfter
            self.snapshot = snapshot
            self.snapshotZxid = snapshotZxid
            self.entries = entries
        }
    }
}
