/// Fast leader election (ZooKeeper's FastLeaderElection): every looking peer votes for the
/// best candidate it has heard of, by (epoch, last zxid, id), and tells everyone; once a
/// quorum votes alike and no better vote arrives within `electionFinalizeWait`, the
/// candidate leads and the others follow. A peer that is following or leading answers a
/// looking peer with whom it follows, so a peer that restarts joins a running ensemble.
struct Election: Sendable {
    var round: Int64 = 0
    var vote = Vote(leader: 0, zxid: 0, epoch: 0, round: 0, state: .looking)
    /// Votes of looking peers in this round, by sender.
    var received: [PeerID: Vote] = [:]
    /// Votes of peers that are following or leading, by sender.
    var settled: [PeerID: Vote] = [:]
    /// When a quorum agreed with our vote: decide then, unless a better vote comes first.
    var decideAt: Int64?
    var lastBroadcast: Int64 = 0
}

extension ZabPeer {
    /// Leaves any role and starts an election round. A follower ends its session with its
    /// leader, a leader with its followers: nothing either sends later may pass for it.
    mutating func startLooking(_ reason: String) {
        var election = Election()
        switch role {
        case .looking(let previous): electionRound = max(electionRound, previous.round)
        case .following(let follower): actions.append(.disconnect(follower.leader))
        case .leading(let leader): for id in leader.followers.keys.sorted() { actions.append(.disconnect(id)) }
        }
        electionRound += 1
        election.round = electionRound
        election.vote = ownVote(round: election.round)
        election.received[config.id] = election.vote
        election.lastBroadcast = now
        role = .looking(election)
        actions.append(.notice("looking for a leader (round \(election.round)): \(reason)"))
        announce()
        broadcast(election.vote)
        checkQuorum()
    }

    /// A vote for ourselves carries what is on our disk, not what is only in memory: an
    /// entry still queued behind a slow sync would otherwise win us an election we could
    /// not honour after a crash.
    func ownVote(round: Int64) -> Vote {
        Vote(leader: config.id, zxid: persisted, epoch: currentEpoch, round: round, state: .looking)
    }

    /// The vote this peer gives when asked while not looking.
    var settledVote: Vote? {
        switch role {
        case .looking: return nil
        case .following(let f):
            return Vote(leader: f.leader, zxid: f.electedZxid, epoch: f.electedEpoch, round: f.round, state: .following)
        case .leading(let l):
            return Vote(leader: config.id, zxid: l.electedZxid, epoch: l.electedEpoch, round: l.round, state: .leading)
        }
    }

    private mutating func broadcast(_ vote: Vote) {
        for peer in config.others where connected.contains(peer) { send(.vote(vote), to: peer) }
    }

    mutating func onVote(_ vote: Vote, from sender: PeerID) {
        guard case .looking(var election) = role else {
            // Tell a looking peer whom we follow.
            if vote.state == .looking, let mine = settledVote { send(.vote(mine), to: sender) }
            return
        }
        if vote.state == .looking {
            var changed = false
            if vote.round > election.round {
                election.round = vote.round
                electionRound = vote.round
                election.received = [:]
                let own = ownVote(round: vote.round)
                election.vote =
                    vote.isBetter(than: own) && config.voters.contains(vote.leader) ? withRound(vote, vote.round) : own
                election.decideAt = nil
                changed = true
            } else if vote.round < election.round {
                send(.vote(election.vote), to: sender)
                return
            } else if vote.isBetter(than: election.vote) && config.voters.contains(vote.leader) {
                election.vote = withRound(vote, election.round)
                election.decideAt = nil
                changed = true
            }
            election.received[config.id] = election.vote
            election.received[sender] = vote
            role = .looking(election)
            if changed { broadcast(election.vote) }
        } else {
            election.settled[sender] = vote
            if vote.round == election.round { election.received[sender] = vote }
            role = .looking(election)
        }
        checkQuorum()
        joinSettledEnsemble()
    }

    private func withRound(_ vote: Vote, _ round: Int64) -> Vote {
        Vote(leader: vote.leader, zxid: vote.zxid, epoch: vote.epoch, round: round, state: .looking)
    }

    /// Starts the finalize wait once a quorum votes as we do.
    private mutating func checkQuorum() {
        guard case .looking(var election) = role else { return }
        let agreeing = Set(election.received.filter { same($0.value, election.vote) }.keys)
        if config.isQuorum(agreeing) {
            if election.decideAt == nil { election.decideAt = now + config.electionFinalizeWait }
        } else {
            election.decideAt = nil
        }
        role = .looking(election)
        if let decideAt = election.decideAt, now >= decideAt || config.voters.count == 1 {
            decide(election.vote, round: election.round)
        }
    }

    private func same(_ a: Vote, _ b: Vote) -> Bool {
        a.leader == b.leader && a.zxid == b.zxid && a.epoch == b.epoch
    }

    /// A quorum of other peers already follows or leads under one leader, and that leader
    /// says it leads: join it (FLE's out-of-election path). Our own vote does not count
    /// toward that quorum: only an ensemble that formed without us may be joined this way.
    private mutating func joinSettledEnsemble() {
        guard case .looking(let election) = role else { return }
        for (_, vote) in election.settled.sorted(by: { $0.key < $1.key }) {
            let backers = Set(election.settled.filter { $0.value.leader == vote.leader }.keys)
            let leaderSaysSo = election.settled[vote.leader]?.state == .leading
            if leaderSaysSo && config.isQuorum(backers) && vote.leader != config.id {
                return decide(vote, round: vote.round)
            }
        }
    }

    mutating func electionTick() {
        guard case .looking(var election) = role else { return }
        if electionRound == 0 { return startLooking("starting") }
        if now - election.lastBroadcast >= config.electionResend {
            election.lastBroadcast = now
            role = .looking(election)
            broadcast(election.vote)
        }
        checkQuorum()
    }

    private mutating func decide(_ vote: Vote, round: Int64) {
        actions.append(
            .notice("elected \(vote.leader) in round \(round) (epoch \(vote.epoch), zxid \(Zxid.hex(vote.zxid)))"))
        if vote.leader == config.id {
            startLeading(round: round, electedZxid: vote.zxid, electedEpoch: vote.epoch)
        } else {
            startFollowing(vote.leader, round: round, electedZxid: vote.zxid, electedEpoch: vote.epoch)
        }
    }
}
