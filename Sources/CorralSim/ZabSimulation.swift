import Zab

/// Runs a ZAB ensemble of real `ZabPeer`s over a simulated network and disks, with a seeded
/// schedule of faults, and checks the protocol's guarantees after every event:
///
/// - at most one leader is established per epoch;
/// - every peer delivers the same sequence of entries (each delivery extends a prefix of
///   one committed order, with the same payloads), in zxid order;
/// - every entry a leader delivered (a write a client was told succeeded) stays in that
///   order, and after the faults heal every live peer delivers all of it and a new
///   proposal commits within a bounded time.
///
/// The network is one FIFO channel per pair of peers, like the TCP connections ZAB
/// assumes: a cut loses what is in flight and both ends hear of it; messages on different
/// channels overtake each other; election votes may arrive twice. A disk carries out what
/// it is asked (appends, cuts of the log, snapshot installs) in order and in batches, each
/// batch a while after it started, as the server's log thread does; it may stall for longer
/// than an election takes; a crash keeps the batches completed and perhaps part of what
/// came next, and loses the rest.
public struct ZabSimulation: LinkFaults, Simulation {
    public struct Settings: Sendable {
        public var peers = 3
        public var seed: UInt64
        /// Simulated milliseconds of faults, then of healing.
        public var faultPhase: Int64 = 3000
        public var healPhase: Int64 = 5000
        public var crashChance = 0.0015
        public var cutChance = 0.003
        public var partitionChance = 0.0008
        public var duplicateVoteChance = 0.05
        /// A disk stops completing anything for `diskStallLength` (longer than an election).
        public var diskStallChance = 0.003
        public var diskStallLength: ClosedRange<Int64> = 200...1500
        /// A peer crashes within 100 ms of changing its role (elected, synced, established),
        /// where a disk write in flight decides what survives.
        public var roleChangeCrashChance = 0.1
        public var proposalInterval: Int64 = 20
        /// No proposals in the last part of the healing.
        public var quietPhase: Int64 = 500
        public var historyWindowMax = 30
        public var snapshotEvery = 25
        /// Off for scripted scenarios, which cause their faults themselves.
        public var randomFaults = true
        public var autoPropose = true

        public init(seed: UInt64) {
            self.seed = seed
        }

        /// The seed picks the cluster size and how rough the run is.
        public static func fromSeed(_ seed: UInt64) -> Settings {
            var random = SeededRandom(seed: seed ^ 0x5EED)
            var settings = Settings(seed: seed)
            settings.peers = random.next() % 2 == 0 ? 3 : 5
            let roughness = Double(random.next() % 100) / 50
            settings.crashChance *= roughness
            settings.cutChance *= roughness
            settings.partitionChance *= roughness
            settings.diskStallChance *= roughness
            settings.historyWindowMax = 5 + Int(random.next() % 60)
            return settings
        }
    }

    public enum Event: Sendable {
        case tick(PeerID)
        case arrive(from: PeerID, to: PeerID, generation: Int, ZabMessage)
        /// The disk finished the oldest operation it was given.
        case diskDone(PeerID, incarnation: Int)
        case propose
        case fault
        case connectAll
        /// A crash aimed at a moment that matters: just after a peer changed its role.
        case crash(PeerID, incarnation: Int)
        /// A channel one end closed is made again, as the shell's connector does.
        case reconnect(PeerID, PeerID)
    }

    /// What a peer asked its disk to do, not done yet.
    enum DiskWrite {
        case append([ZabEntry])
        case truncate(after: Int64)
        /// The leader's state replaces ours (its delivered zxids), at `zxid`.
        case snapshot([Int64], zxid: Int64)
    }

    /// What survives a crash, and what is on its way there.
    struct Disk {
        var log: [ZabEntry] = []
        var acceptedEpoch: Int64 = 0
        var currentEpoch: Int64 = 0
        /// The state above ZAB: the zxids delivered, saved every so often and on snapshots.
        var snapshot: [Int64] = []
        /// In the order asked; the first `batch` of them are being written.
        var pending: [DiskWrite] = []
        var batch = 0
        /// How long a batch takes.
        var latency: Int64 = 2
        /// Nothing completes before then.
        var stalledUntil: Int64 = 0

        mutating func complete(_ write: DiskWrite) {
            switch write {
            case .append(let entries): log += entries
            case .truncate(let zxid): log.removeAll { $0.zxid > zxid }
            case .snapshot(let delivered, let zxid):
                log.removeAll { $0.zxid > zxid }
                snapshot = delivered
            }
        }
    }

    struct Peer {
        var zab: ZabPeer?
        var incarnation = 0
        /// The zxids delivered to the state above ZAB since it (re)started.
        var delivered: [Int64] = []
    }

    public let settings: Settings
    public var seed: UInt64 { settings.seed }
    var random: SeededRandom
    public var now: Int64 = 0
    public var queue = EventQueue<Event>()
    var peers: [PeerID: Peer] = [:]
    var disks: [PeerID: Disk] = [:]
    var network = SimulatedNetwork()
    /// The one committed order and each zxid's payload.
    var order: [Int64] = []
    var payloads: [Int64: [UInt8]] = [:]
    var acknowledged: Set<Int64> = []
    var leaders: [Int64: PeerID] = [:]
    var proposals = 0
    /// How many entries were committed when the faults healed.
    var committedAtHeal: Int?
    public var trace = Trace()
    public var committedCount: Int { order.count }
    let ids: [PeerID]

    public init(_ settings: Settings) {
        self.settings = settings
        random = SeededRandom(seed: settings.seed)
        ids = Array(1...settings.peers)
        for id in ids {
            var disk = Disk()
            disk.latency = 1 + Int64(random.next() % 8) * (random.chance(0.2) ? 5 : 1)
            disks[id] = disk
            start(id)
        }
        queue.schedule(.connectAll, at: 0)
        if settings.autoPropose { queue.schedule(.propose, at: settings.proposalInterval) }
        if settings.randomFaults { queue.schedule(.fault, at: 10) }
    }

    /// Runs the faults, then the healing, checking as it goes. Returns a summary line.
    public mutating func run() throws -> String {
        try runEvents(through: settings.faultPhase + settings.healPhase)
        try checkConverged()
        return
            "seed \(settings.seed): \(settings.peers) peers, \(order.count) committed, \(acknowledged.count) acknowledged, \(leaders.count) epochs"
    }

    // MARK: - Peers

    private mutating func start(_ id: PeerID) {
        let disk = disks[id]!
        let stateZxid = disk.snapshot.last ?? 0
        let log = disk.log.filter { $0.zxid > stateZxid }
        var config = ZabConfig(id: id, voters: ids, tickTime: 100, initLimit: 10, syncLimit: 5)
        config.historyWindowMax = settings.historyWindowMax
        config.electionFinalizeWait = 50
        config.electionResend = 100
        let incarnation = (peers[id]?.incarnation ?? 0) + 1
        peers[id] = Peer(
            zab: ZabPeer(
                config: config, acceptedEpoch: disk.acceptedEpoch, currentEpoch: disk.currentEpoch,
                stateZxid: stateZxid, log: log, now: now),
            incarnation: incarnation, delivered: disk.snapshot)
        queue.schedule(.tick(id), at: now + 1 + Int64(random.next() % 50))
    }

    mutating func crash(_ id: PeerID) throws {
        guard peers[id]?.zab != nil else { return }
        note("crash \(id)")
        peers[id]!.zab = nil
        loseUnfinishedWrites(id)
        for other in ids where other != id { try disconnect(id, other) }
    }

    mutating func restart(_ id: PeerID) throws {
        guard peers[id]?.zab == nil else { return }
        note("restart \(id)")
        start(id)
        for other in ids where other != id && peers[other]?.zab != nil {
            try connect(id, other)
        }
    }

    // MARK: - Events

    public mutating func handle(_ event: Event) throws {
        switch event {
        case .tick(let id):
            guard peers[id]?.zab != nil else { return }
            try step(id, .tick)
            queue.schedule(.tick(id), at: now + 50)
        case .arrive(let from, let to, let generation, let message):
            guard network.isCurrent(from, to, generation: generation), peers[to]?.zab != nil else { return }
            try step(to, .received(from: from, message))
        case .diskDone(let id, let incarnation):
            guard peers[id]?.incarnation == incarnation, peers[id]?.zab != nil else { return }
            try diskDone(id)
        case .connectAll:
            for a in ids { for b in ids where a < b { try connect(a, b) } }
        case .reconnect(let a, let b):
            try connect(a, b)
        case .crash(let id, let incarnation):
            guard peers[id]?.incarnation == incarnation, now < settings.faultPhase else { return }
            try crash(id)
        case .propose:
            // Proposals stop before the end, so that the last ones settle everywhere.
            guard now < settings.faultPhase + settings.healPhase - settings.quietPhase else { return }
            try propose()
            queue.schedule(.propose, at: now + settings.proposalInterval)
        case .fault:
            if now < settings.faultPhase {
                try injectFault()
                queue.schedule(.fault, at: now + 10)
            } else if now < settings.faultPhase + 20 {
                try heal()
            }
        }
    }

    private mutating func step(_ id: PeerID, _ event: ZabEvent) throws {
        let actions = peers[id]!.zab!.step(event, at: now)
        try perform(actions, by: id)
    }

    /// Every peer that believes it leads gets a proposal, as clients would send one to
    /// whichever server they reach: a second leader would show as diverging deliveries.
    private mutating func propose() throws {
        for leader in ids where peers[leader]?.zab?.canPropose == true {
            proposals += 1
            let payload = Array("p\(proposals)".utf8)
            let (_, actions) = peers[leader]!.zab!.propose(payload, at: now)
            try perform(actions, by: leader)
        }
    }

    mutating func perform(_ actions: [ZabAction], by id: PeerID) throws {
        for action in actions {
            guard peers[id]?.zab != nil else { return }
            switch action {
            case .send(let to, let message):
                send(message, from: id, to: to)
            case .persist(let entries):
                write(.append(entries), on: id)
            case .saveEpochs(let accepted, let current):
                disks[id]!.acceptedEpoch = accepted
                disks[id]!.currentEpoch = current
            case .truncateLog(let zxid):
                write(.truncate(after: zxid), on: id)
            case .installSnapshot(let bytes, let zxid):
                let delivered = Self.decode(bytes)
                guard delivered.last ?? 0 == zxid, Array(order.prefix(delivered.count)) == delivered else {
                    throw violation(
                        "peer \(id) installed a snapshot at \(Zxid.hex(zxid)) that is not a prefix of the committed order"
                    )
                }
                peers[id]!.delivered = delivered
                write(.snapshot(delivered, zxid: zxid), on: id)
            case .deliver(let entries):
                try deliver(entries, at: id)
            case .role(let role):
                try onRole(role, of: id)
            case .sendSnapshot(let to, let delivered, let entries):
                guard peers[id]!.delivered.last ?? 0 == delivered else {
                    throw violation(
                        "peer \(id) asked to snapshot at \(Zxid.hex(delivered)) but delivered \(Zxid.hex(peers[id]!.delivered.last ?? 0))"
                    )
                }
                let sync = ZabMessage.Sync(
                    snapshot: Self.encode(peers[id]!.delivered), snapshotZxid: delivered, entries: entries)
                send(.sync(sync), from: id, to: to)
            case .disconnect(let other):
                try disconnect(id, other)
                queue.schedule(.reconnect(id, other), at: now + 5 + Int64(random.next() % 20))
            case .notice(let text):
                note("\(id): \(text)")
            }
        }
    }

    private mutating func deliver(_ entries: [ZabEntry], at id: PeerID) throws {
        for entry in entries {
            let position = peers[id]!.delivered.count
            if position < order.count {
                guard order[position] == entry.zxid, payloads[entry.zxid] == entry.payload else {
                    throw violation(
                        "peer \(id) delivered \(Zxid.hex(entry.zxid)) as #\(position), but the committed order has \(Zxid.hex(order[position])) there"
                    )
                }
            } else {
                guard position == order.count, entry.zxid > (order.last ?? 0) else {
                    throw violation("peer \(id) delivered \(Zxid.hex(entry.zxid)) out of order")
                }
                order.append(entry.zxid)
                payloads[entry.zxid] = entry.payload
            }
            peers[id]!.delivered.append(entry.zxid)
            if case .leading = peers[id]!.zab!.currentRole { acknowledged.insert(entry.zxid) }
        }
        if peers[id]!.delivered.count % settings.snapshotEvery == 0 { disks[id]!.snapshot = peers[id]!.delivered }
    }

    private mutating func onRole(_ role: ZabRole, of id: PeerID) throws {
        note("\(id) is \(role)")
        if settings.randomFaults, now < settings.faultPhase, random.chance(settings.roleChangeCrashChance) {
            queue.schedule(.crash(id, incarnation: peers[id]!.incarnation), at: now + Int64(random.next() % 100))
        }
        guard case .leading(let epoch, true) = role else { return }
        if let other = leaders[epoch], other != id {
            throw violation("two leaders established in epoch \(epoch): \(other) and \(id)")
        }
        leaders[epoch] = id
    }

    // MARK: - Disks

    /// Queues a write. An idle disk starts on it at once; a busy one takes everything that
    /// queued meanwhile as its next batch, with one sync, as the log thread does.
    private mutating func write(_ write: DiskWrite, on id: PeerID) {
        disks[id]!.pending.append(write)
        if disks[id]!.batch == 0 { startBatch(id) }
    }

    private mutating func startBatch(_ id: PeerID) {
        var disk = disks[id]!
        disk.batch = disk.pending.count
        disks[id] = disk
        guard disk.batch > 0 else { return }
        queue.schedule(
            .diskDone(id, incarnation: peers[id]!.incarnation), at: now + disk.latency + Int64(random.next() % 3))
    }

    /// The batch is on disk, in order, and the peer is told of each write.
    private mutating func diskDone(_ id: PeerID) throws {
        guard now >= disks[id]!.stalledUntil else {
            return queue.schedule(.diskDone(id, incarnation: peers[id]!.incarnation), at: disks[id]!.stalledUntil)
        }
        let batch = disks[id]!.pending.prefix(disks[id]!.batch)
        disks[id]!.pending.removeFirst(batch.count)
        disks[id]!.batch = 0
        for write in batch { disks[id]!.complete(write) }
        startBatch(id)
        for write in batch {
            guard peers[id]?.zab != nil else { return }
            switch write {
            case .append(let entries): try step(id, .persisted(upTo: entries.last!.zxid))
            case .truncate(let zxid): try step(id, .truncated(after: zxid))
            case .snapshot(_, let zxid): try step(id, .snapshotInstalled(zxid: zxid))
            }
        }
    }

    /// A crash: the disk keeps what it completed and perhaps some of what came next (the
    /// last of it perhaps only in part); the rest never happened.
    private mutating func loseUnfinishedWrites(_ id: PeerID) {
        var disk = disks[id]!
        let kept = Int(random.next() % UInt64(disk.pending.count + 1))
        for write in disk.pending.prefix(kept) { disk.complete(write) }
        if kept < disk.pending.count, case .append(let entries) = disk.pending[kept] {
            disk.log += entries.prefix(Int(random.next() % UInt64(entries.count + 1)))
        }
        disk.pending = []
        disk.batch = 0
        disk.stalledUntil = 0
        disks[id] = disk
    }

    /// The disk completes nothing more until `until`.
    mutating func stallDisk(_ id: PeerID, until: Int64) {
        note("disk of \(id) stalls until \(until)")
        disks[id]!.stalledUntil = max(disks[id]!.stalledUntil, until)
    }

    // MARK: - Network

    private mutating func send(_ message: ZabMessage, from: PeerID, to: PeerID) {
        guard let (generation, arrival) = network.route(from: from, to: to, now: now, random: &random) else { return }
        queue.schedule(.arrive(from: from, to: to, generation: generation, message), at: arrival)
        if case .vote = message, random.chance(settings.duplicateVoteChance) {
            queue.schedule(
                .arrive(from: from, to: to, generation: generation, message), at: arrival + Int64(random.next() % 30))
        }
    }

    /// Brings the link up (if neither end is down or partitioned); both ends hear of it.
    mutating func connect(_ a: PeerID, _ b: PeerID) throws {
        guard peers[a]?.zab != nil, peers[b]?.zab != nil, network.connect(a, b) else { return }
        for (me, other) in [(a, b), (b, a)] {
            if let actions = peers[me]?.zab?.step(.connected(other), at: now) { try perform(actions, by: me) }
        }
    }

    mutating func disconnect(_ a: PeerID, _ b: PeerID) throws {
        guard network.disconnect(a, b) else { return }
        for (me, other) in [(a, b), (b, a)] {
            if let actions = peers[me]?.zab?.step(.disconnected(other), at: now) { try perform(actions, by: me) }
        }
    }

    // MARK: - Faults

    private mutating func injectFault() throws {
        let id = ids[Int(random.next() % UInt64(ids.count))]
        let other = ids[Int(random.next() % UInt64(ids.count))]
        if random.chance(settings.crashChance * 10) {
            if peers[id]?.zab != nil { try crash(id) } else { try restart(id) }
        }
        try injectLinkFaults(
            id, other, cutChance: settings.cutChance * 10, partitionChance: settings.partitionChance * 10)
        if peers[id]?.zab != nil, random.chance(settings.diskStallChance * 10) {
            let length = settings.diskStallLength
            stallDisk(id, until: now + length.lowerBound + Int64(random.next() % UInt64(length.count)))
        }
        // Crashed peers come back after a while.
        for down in ids where peers[down]?.zab == nil && random.chance(0.02) { try restart(down) }
    }

    mutating func heal() throws {
        note("heal everything")
        committedAtHeal = order.count
        for id in ids { disks[id]!.stalledUntil = 0 }
        network.healAll()
        for id in ids { try restart(id) }
        for a in ids { for b in ids where a < b { try connect(a, b) } }
    }

    // MARK: - Checks

    /// After the healing: a leader is established, a proposal made since the healing has
    /// committed, and every peer delivered exactly the committed order, so nothing any
    /// leader delivered (acknowledged) was lost.
    mutating func checkConverged() throws {
        guard ids.contains(where: { peers[$0]?.zab?.canPropose == true }) else {
            throw violation("no established leader \(settings.healPhase) ms after the faults healed")
        }
        if settings.autoPropose, let committed = committedAtHeal, order.count == committed {
            throw violation("nothing committed in the \(settings.healPhase) ms after the faults healed\n" + peerStates)
        }
        for id in ids {
            let delivered = peers[id]?.delivered ?? []
            guard delivered != order else { continue }
            let common = zip(delivered, order).prefix { $0 == $1 }.count
            throw violation(
                "peer \(id) delivered \(delivered.count) entries after healing, the committed order has \(order.count); "
                    + "they agree on the first \(common)\n" + peerStates)
        }
        let lost = acknowledged.filter { !order.contains($0) }
        guard lost.isEmpty else {
            throw violation("acknowledged entries missing from the committed order: \(lost.sorted().map(Zxid.hex))")
        }
    }

    /// Each peer's role and how far its history, disk and deliveries reach, for a report.
    var peerStates: String {
        ids.map { id in
            guard let zab = peers[id]?.zab else { return "\(id): down" }
            return
                "\(id): \(zab.currentRole), last \(Zxid.hex(zab.lastZxid)), delivered \(Zxid.hex(zab.lastDelivered)), "
                + "\(disks[id]!.pending.count) disk writes pending"
        }.joined(separator: "\n")
    }

    static func encode(_ delivered: [Int64]) -> [UInt8] {
        delivered.flatMap { zxid in (0..<8).map { UInt8(truncatingIfNeeded: zxid >> (56 - 8 * Int64($0))) } }
    }

    static func decode(_ bytes: [UInt8]) -> [Int64] {
        stride(from: 0, to: bytes.count, by: 8).map { start in
            bytes[start..<start + 8].reduce(Int64(0)) { $0 << 8 | Int64($1) }
        }
    }
}
