import Testing

@testable import Zab

/// One peer driven by hand, message by message: what it sends and asks its disk for, and
/// when.
struct PeerDriver {
    var peer: ZabPeer
    var now: Int64 = 0

    /// Peer 1 of 1, 2 and 3, starting from `log` (accepted entries) at epoch `epoch`.
    init(log: [ZabEntry] = [], epoch: Int64 = 0, configure: (inout ZabConfig) -> Void = { _ in }) {
        var config = ZabConfig(id: 1, voters: [1, 2, 3], tickTime: 100, initLimit: 10, syncLimit: 5)
        configure(&config)
        peer = ZabPeer(config: config, acceptedEpoch: epoch, currentEpoch: epoch, stateZxid: 0, log: log, now: 0)
    }

    @discardableResult
    mutating func step(_ event: ZabEvent, after milliseconds: Int64 = 1) -> [ZabAction] {
        now += milliseconds
        return peer.step(event, at: now)
    }

    @discardableResult
    mutating func receive(_ message: ZabMessage, from peer: PeerID = 2) -> [ZabAction] {
        step(.received(from: peer, message))
    }

    /// Follows 2 (which says it leads, backed by 3) and takes its new epoch: ready to sync.
    mutating func followTwo(epoch: Int64) {
        step(.tick)
        step(.connected(2))
        step(.connected(3))
        receive(.vote(Vote(leader: 2, zxid: 0, epoch: 0, round: 1, state: .leading)))
        receive(.vote(Vote(leader: 2, zxid: 0, epoch: 0, round: 1, state: .following)), from: 3)
        #expect(peer.currentRole == .following(leader: 2, serving: false))
        receive(.leaderInfo(epoch: epoch))
    }

    static func entry(_ epoch: Int64, _ counter: Int64) -> ZabEntry {
        ZabEntry(zxid: Zxid.make(epoch: epoch, counter: counter), payload: [UInt8(counter & 0xFF)])
    }
}

extension [ZabAction] {
    var acknowledgesNewLeader: Bool {
        contains { if case .send(2, .ackNewLeader) = $0 { true } else { false } }
    }

    func disconnects(_ peer: PeerID) -> Bool {
        contains { $0 == .disconnect(peer) }
    }
}

@Suite("ZAB peer: what it acknowledges waits for the disk")
struct ZabPeerDurabilityTests {
    @Test("after a TRUNC, NEWLEADER is acknowledged only once the truncation is reported durable")
    func truncationBeforeAck() {
        var driver = PeerDriver(log: [PeerDriver.entry(1, 1), PeerDriver.entry(1, 2)], epoch: 1)
        driver.followTwo(epoch: 2)
        let point = Zxid.make(epoch: 1, counter: 1)
        let syncActions = driver.receive(.sync(.init(truncateAfter: point, entries: [])))
        #expect(syncActions.contains(.truncateLog(after: point)))
        let early = driver.receive(.newLeader(epoch: 2, historyEnd: point))
        #expect(!early.acknowledgesNewLeader, "acknowledged before the truncation was on disk")
        #expect(!early.contains(.saveEpochs(accepted: 2, current: 2)))
        let later = driver.step(.truncated(after: point))
        #expect(later.acknowledgesNewLeader)
        #expect(later.first == .saveEpochs(accepted: 2, current: 2), "the epoch is saved before the ACK leaves")
    }

    @Test("after a SNAP, NEWLEADER is acknowledged only once the snapshot install is reported durable")
    func snapshotBeforeAck() {
        var driver = PeerDriver(log: [PeerDriver.entry(1, 1)], epoch: 1)
        driver.followTwo(epoch: 2)
        let at = Zxid.make(epoch: 1, counter: 9)
        let syncActions = driver.receive(.sync(.init(snapshot: [1, 2, 3], snapshotZxid: at, entries: [])))
        #expect(syncActions == [.installSnapshot([1, 2, 3], zxid: at)])
        #expect(!driver.receive(.newLeader(epoch: 2, historyEnd: at)).acknowledgesNewLeader)
        // An append reported durable from before the sync does not count for the new history.
        #expect(!driver.step(.persisted(upTo: Zxid.make(epoch: 1, counter: 1))).acknowledgesNewLeader)
        #expect(driver.step(.snapshotInstalled(zxid: at)).acknowledgesNewLeader)
    }

    @Test("entries synced after a cut are acknowledged once they and the cut are durable, in that order")
    func entriesAfterCut() {
        var driver = PeerDriver(log: [PeerDriver.entry(1, 1), PeerDriver.entry(1, 2)], epoch: 1)
        driver.followTwo(epoch: 2)
        let point = Zxid.make(epoch: 1, counter: 1)
        let diff = [PeerDriver.entry(1, 5)]
        driver.receive(.sync(.init(truncateAfter: point, entries: diff)))
        driver.receive(.newLeader(epoch: 2, historyEnd: diff[0].zxid))
        // The old log's end reported before the cut: no more than the cut point counts.
        #expect(!driver.step(.persisted(upTo: Zxid.make(epoch: 1, counter: 2))).acknowledgesNewLeader)
        #expect(!driver.step(.truncated(after: point)).acknowledgesNewLeader)
        #expect(driver.step(.persisted(upTo: diff[0].zxid)).acknowledgesNewLeader)
    }

    @Test("a vote carries the durable end of the log, not an entry still waiting for its sync")
    func voteIsDurable() {
        var driver = PeerDriver()
        driver.followTwo(epoch: 1)
        driver.receive(.sync(.init(entries: [])))
        driver.receive(.newLeader(epoch: 1, historyEnd: 0))
        driver.receive(.upToDate)
        let synced = PeerDriver.entry(1, 1)
        let unsynced = PeerDriver.entry(1, 2)
        driver.receive(.proposal(synced))
        driver.step(.persisted(upTo: synced.zxid))
        driver.receive(.proposal(unsynced))
        let actions = driver.step(.disconnected(2))
        let votes = actions.compactMap { if case .send(_, .vote(let vote)) = $0 { vote } else { nil } }
        #expect(!votes.isEmpty)
        #expect(votes.allSatisfy { $0.zxid == synced.zxid && $0.leader == 1 })
    }

    @Test("a follower whose disk falls unsyncedProposalsMax behind leaves its leader")
    func unsyncedProposalsBounded() {
        var driver = PeerDriver { $0.unsyncedProposalsMax = 3 }
        driver.followTwo(epoch: 1)
        driver.receive(.sync(.init(entries: [])))
        driver.receive(.newLeader(epoch: 1, historyEnd: 0))
        driver.step(.persisted(upTo: 0))
        driver.receive(.upToDate)
        for counter in 1...3 { driver.receive(.proposal(PeerDriver.entry(1, Int64(counter)))) }
        #expect(driver.peer.currentRole == .following(leader: 2, serving: true))
        let actions = driver.receive(.proposal(PeerDriver.entry(1, 4)))
        #expect(driver.peer.currentRole == .looking)
        #expect(actions.disconnects(2))
        #expect(!actions.contains(.persist([PeerDriver.entry(1, 4)])))
    }
}

@Suite("ZAB peer: leaving a leader, and leaders that step down")
struct ZabPeerSessionTests {
    /// A follower of 2, serving in epoch 1.
    private func serving() -> PeerDriver {
        var driver = PeerDriver()
        driver.followTwo(epoch: 1)
        driver.receive(.sync(.init(entries: [])))
        driver.receive(.newLeader(epoch: 1, historyEnd: 0))
        driver.receive(.upToDate)
        #expect(driver.peer.currentRole == .following(leader: 2, serving: true))
        return driver
    }

    @Test("a sync whose snapshot the server above rejects sends the follower back to election, closing the channel")
    func syncRejected() {
        var driver = PeerDriver(log: [PeerDriver.entry(1, 1)], epoch: 1)
        driver.followTwo(epoch: 2)
        let actions = driver.step(.syncRejected(from: 2, reason: "does not decode"))
        #expect(driver.peer.currentRole == .looking)
        #expect(actions.disconnects(2))
        #expect(
            driver.peer.lastZxid == Zxid.make(epoch: 1, counter: 1), "the history moved although the sync was refused")
    }

    @Test("only the leader's own ZAB messages keep a follower with it; app messages do not")
    func appMessagesDoNotCount() {
        var driver = serving()
        for _ in 0..<10 {
            driver.receive(.app([1]))
            driver.step(.tick, after: 100)
        }
        #expect(driver.peer.currentRole == .looking, "a leader that only relays app messages kept its follower")
    }

    @Test("pings keep a follower with its leader")
    func pingsCount() {
        var driver = serving()
        for _ in 0..<10 {
            driver.receive(.ping)
            driver.step(.tick, after: 100)
        }
        #expect(driver.peer.currentRole == .following(leader: 2, serving: true))
    }

    @Test("a leader that loses its quorum closes the channel to every follower")
    func leaderStepsDown() {
        var config = ZabConfig(id: 1, voters: [1, 2, 3], tickTime: 100, initLimit: 10, syncLimit: 5)
        config.electionFinalizeWait = 0
        var peer = ZabPeer(config: config, acceptedEpoch: 0, currentEpoch: 0, stateZxid: 0, log: [], now: 0)
        var now: Int64 = 0
        func step(_ event: ZabEvent) -> [ZabAction] {
            now += 1
            return peer.step(event, at: now)
        }
        _ = step(.tick)
        _ = step(.connected(2))
        _ = step(.received(from: 2, .vote(Vote(leader: 1, zxid: 0, epoch: 0, round: 1, state: .looking))))
        _ = step(.tick)
        #expect(peer.currentRole == .leading(epoch: 0, established: false))
        _ = step(.received(from: 2, .followerInfo(acceptedEpoch: 0, lastZxid: 0)))
        _ = step(.received(from: 2, .ackEpoch(currentEpoch: 0, lastZxid: 0)))
        _ = step(.received(from: 2, .ackNewLeader(epoch: 1)))
        #expect(peer.currentRole == .leading(epoch: 1, established: true))
        now += 1000
        let actions = peer.step(.tick, at: now)
        #expect(peer.currentRole == .looking)
        #expect(actions.disconnects(2))
    }
}

@Suite("ZAB peer: the zxid counter")
struct ZabPeerCounterTests {
    @Test("a leader whose next zxid would reach counter 0xffffffff steps down; the next epoch starts at counter 1")
    func counterExhausted() throws {
        var peer = ZabPeer(
            config: ZabConfig(id: 1, voters: [1], tickTime: 100), acceptedEpoch: 0, currentEpoch: 0, stateZxid: 0,
            log: [], now: 0)
        var now: Int64 = 0
        _ = peer.step(.tick, at: now)
        guard case .leading(let epoch, true) = peer.currentRole else {
            Issue.record("a single voter did not lead: \(peer.currentRole)")
            return
        }
        // Near the end of the epoch's counter, as after four billion proposals.
        let near = Zxid.make(epoch: epoch, counter: 0xFFFF_FFFD)
        peer.history = History(base: near)
        peer.disk = DiskProgress(durable: near)

        let (last, _) = peer.propose([1], at: now)
        #expect(last == Zxid.make(epoch: epoch, counter: 0xFFFF_FFFE))
        now += 1
        let delivered = peer.step(.persisted(upTo: last!), at: now)
        #expect(delivered.contains(.deliver([ZabEntry(zxid: last!, payload: [1])])))

        let (refused, actions) = peer.propose([2], at: now)
        #expect(refused == nil)
        #expect(actions.contains(.role(.looking)), "the leader did not step down")
        #expect(!actions.contains { if case .persist = $0 { true } else { false } })

        // A single voter elects itself again at once, in a new epoch.
        now += 500
        _ = peer.step(.tick, at: now)
        guard case .leading(let next, true) = peer.currentRole else {
            Issue.record("no new epoch after the counter ran out: \(peer.currentRole)")
            return
        }
        #expect(next == epoch + 1)
        #expect(peer.propose([3], at: now).0 == Zxid.make(epoch: next, counter: 1))
    }
}

@Suite("ZAB peer: discovery")
struct ZabPeerDiscoveryTests {
    @Test("a follower asked again for an epoch it already accepted answers -1, as ZooKeeper's learner does")
    func epochAcknowledgedOnce() {
        var driver = PeerDriver(epoch: 1)
        driver.followTwo(epoch: 2)
        #expect(driver.peer.acceptedEpoch == 2)
        driver.step(.disconnected(2))
        driver.step(.connected(2))
        driver.receive(.vote(Vote(leader: 2, zxid: 0, epoch: 1, round: 9, state: .leading)))
        driver.receive(.vote(Vote(leader: 2, zxid: 0, epoch: 1, round: 9, state: .following)), from: 3)
        let answer = driver.receive(.leaderInfo(epoch: 2))
        #expect(answer.contains(.send(to: 2, .ackEpoch(currentEpoch: -1, lastZxid: 0))))
    }

    @Test("a leader does not count an epoch answer of -1 toward its quorum, and still syncs that follower")
    func minusOneNotCounted() {
        var peer = ZabPeer(
            config: ZabConfig(id: 3, voters: [1, 2, 3], tickTime: 100), acceptedEpoch: 0, currentEpoch: 0,
            stateZxid: 0, log: [], now: 0)
        var now: Int64 = 0
        func step(_ event: ZabEvent) -> [ZabAction] {
            now += 1
            return peer.step(event, at: now)
        }
        _ = step(.tick)
        _ = step(.connected(1))
        _ = step(.connected(2))
        _ = step(.received(from: 1, .vote(Vote(leader: 3, zxid: 0, epoch: 0, round: 1, state: .looking))))
        now += 1000
        _ = step(.tick)
        #expect(peer.currentRole == .leading(epoch: 0, established: false))
        _ = step(.received(from: 1, .followerInfo(acceptedEpoch: 0, lastZxid: 0)))
        let minusOne = step(.received(from: 1, .ackEpoch(currentEpoch: -1, lastZxid: 0)))
        #expect(!minusOne.contains { if case .saveEpochs(_, 1) = $0 { true } else { false } })
        #expect(!minusOne.contains { if case .send(_, .sync) = $0 { true } else { false } })
        _ = step(.received(from: 2, .followerInfo(acceptedEpoch: 0, lastZxid: 0)))
        let counted = step(.received(from: 2, .ackEpoch(currentEpoch: 0, lastZxid: 0)))
        #expect(counted.contains { if case .saveEpochs(_, 1) = $0 { true } else { false } })
        #expect(counted.contains { if case .send(1, .sync) = $0 { true } else { false } })
        #expect(counted.contains { if case .send(2, .sync) = $0 { true } else { false } })
    }

    @Test("a follower's lag counts the history after its acknowledgement, across epochs")
    func lagAcrossEpochs() {
        // Epoch 5 ends at counter 1000; epoch 6 has written 500.
        var entries = [ZabEntry(zxid: Zxid.make(epoch: 5, counter: 1000), payload: [])]
        for counter in 1...500 {
            entries.append(ZabEntry(zxid: Zxid.make(epoch: 6, counter: Int64(counter)), payload: []))
        }
        let history = History(base: Zxid.make(epoch: 5, counter: 999), entries: entries)
        // Acknowledged the end of epoch 5: all 500 of epoch 6 are missing (the counters
        // alone, 500 - 1000, would say 0).
        #expect(history.count(after: Zxid.make(epoch: 5, counter: 1000)) == 500)
        #expect(history.count(after: Zxid.make(epoch: 6, counter: 499)) == 1)
        #expect(history.count(after: Zxid.make(epoch: 6, counter: 500)) == 0)
        // Below the window: at least everything in it.
        #expect(history.count(after: 0) == 501)
    }
}
