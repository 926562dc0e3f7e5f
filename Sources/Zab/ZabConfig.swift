/// The settings of one peer: who it is, who votes, and ZooKeeper's time limits.
public struct ZabConfig: Sendable {
    public var id: PeerID
    public var voters: [PeerID]
    /// Milliseconds per tick.
    public var tickTime: Int64
    /// Ticks a leader has to gather a quorum and sync it.
    public var initLimit: Int64
    /// Ticks a follower or leader may go without hearing from the other side.
    public var syncLimit: Int64
    /// How long a peer waits, after a quorum agrees, for a better vote (FLE's finalizeWait).
    public var electionFinalizeWait: Int64 = 200
    /// How often a looking peer resends its vote.
    public var electionResend: Int64 = 400
    /// Entries kept in memory to sync followers with a DIFF; a follower further behind gets
    /// a snapshot.
    public var historyWindowMax = 100_000
    /// Proposals a follower holds in memory but not yet on disk; a follower whose disk falls
    /// further behind its leader leaves it (and syncs again) rather than hold more.
    public var unsyncedProposalsMax = 50_000

    public init(id: PeerID, voters: [PeerID], tickTime: Int64 = 2000, initLimit: Int64 = 10, syncLimit: Int64 = 5) {
        self.id = id
        self.voters = voters.sorted()
        self.tickTime = tickTime
        self.initLimit = initLimit
        self.syncLimit = syncLimit
    }

    public var quorum: Int { voters.count / 2 + 1 }
    public var others: [PeerID] { voters.filter { $0 != id } }

    public func isQuorum(_ peers: Set<PeerID>) -> Bool { peers.intersection(voters).count >= quorum }
}
