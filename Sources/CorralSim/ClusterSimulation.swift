import KeeperCore
import KeeperNode
import KeeperProtocol
import KeeperStorage
import Zab

/// Whole Keeper servers in a simulated ensemble: the real `KeeperNode` (ZAB inside) and the
/// real storage code (log writer, snapshots, epochs, recovery) over a `SimulatedFileSystem`
/// per server, with simulated clients writing through whichever server they reach. The
/// seed schedules crashes (power loss: unsynced writes lost or torn), failing and slow
/// disks, cuts and partitions; then everything heals.
///
/// Checked: at most one leader established per epoch, during the run; after healing, every
/// server serves, all trees are identical, and every write a client was told succeeded is
/// on every server.
public struct ClusterSimulation: LinkFaults, Simulation {
    public struct Settings: Sendable {
        public var servers = 3
        public var seed: UInt64
        public var faultPhase: Int64 = 3000
        public var healPhase: Int64 = 6000
        public var clients = 3
        public var inFlight = 2
        /// Clients stop writing this long before the end, so that the last writes settle.
        public var quietPhase: Int64 = 1000
        public var crashChance = 0.01
        public var diskFailureChance = 0.003
        public var cutChance = 0.02
        public var partitionChance = 0.01
        public var snapshotEvery = 100
        /// Off for scripted scenarios, which cause their faults themselves (and make their
        /// clients close sessions and go silent).
        public var randomFaults = true

        public init(seed: UInt64) { self.seed = seed }

        public static func fromSeed(_ seed: UInt64) -> Settings {
            var random = SeededRandom(seed: seed ^ 0xC1A5)
            var settings = Settings(seed: seed)
            settings.servers = random.next() % 3 == 0 ? 5 : 3
            let roughness = Double(random.next() % 100) / 50
            settings.crashChance *= roughness
            settings.diskFailureChance *= roughness
            settings.cutChance *= roughness
            settings.partitionChance *= roughness
            settings.snapshotEvery = 50 + Int(random.next() % 200)
            return settings
        }
    }

    public enum Event: Sendable {
        case tick(PeerID)
        case arrive(from: PeerID, to: PeerID, generation: Int, ZabMessage)
        case diskDone(PeerID, incarnation: Int)
        case client(Int)
        case fault
        case heal
        case connectAll
        /// A channel one end closed is made again, as the shell's connector does.
        case reconnect(PeerID, PeerID)
        /// A client connection's output drained.
        case writable(PeerID, ConnectionID)
    }

    struct Server {
        var node: KeeperNode?
        var incarnation = 0
        let fileSystem = SimulatedFileSystem()
        var writer: LogWriter?
        var queue: [LogOperation] = []
        var diskBusy = false
        var diskLatency: Int64 = 2
        var appliedAtSnapshot: Int64 = 0
    }

    public let settings: Settings
    public var seed: UInt64 { settings.seed }
    var random: SeededRandom
    public var now: Int64 = 0
    public var queue = EventQueue<Event>()
    var network = SimulatedNetwork()
    var servers: [PeerID: Server] = [:]
    var clients: [SimulatedClient] = []
    var leaders: [Int64: PeerID] = [:]
    var nextConnection: ConnectionID = 1
    var connectionOwner: [ConnectionID: Int] = [:]
    /// When a client last used each session it was given (sent a request or reconnected).
    var sessionUsed: [Int64: Int64] = [:]
    /// The persistent create a client was told of last, and when.
    var latestAcknowledged: (path: String, at: Int64)?
    public var trace = Trace()
    let ids: [PeerID]

    public init(_ settings: Settings) {
        self.settings = settings
        random = SeededRandom(seed: settings.seed)
        ids = Array(1...settings.servers)
        for id in ids {
            servers[id] = Server()
            try! servers[id]!.fileSystem.makeDirectory("/data")
            servers[id]!.diskLatency = 1 + Int64(random.next() % 6) * (random.chance(0.25) ? 4 : 1)
            start(id)
        }
        clients = (0..<settings.clients).map { SimulatedClient(id: $0) }
        queue.schedule(.connectAll, at: 0)
        for client in clients.indices { queue.schedule(.client(client), at: 200 + Int64(client)) }
        if settings.randomFaults {
            queue.schedule(.fault, at: 300)
            queue.schedule(.heal, at: settings.faultPhase)
        }
    }

    public var acknowledgedCount: Int { clients.reduce(0) { $0 + $1.acknowledged.count } }

    public mutating func run() throws -> String {
        try runEvents(through: settings.faultPhase + settings.healPhase)
        try checkConverged()
        return
            "seed \(settings.seed): \(settings.servers) servers, \(acknowledgedCount) acknowledged writes, \(leaders.count) epochs"
    }

    // MARK: - Servers

    var time: NodeTime { NodeTime(wall: 1_700_000_000_000 + now, monotonic: now) }

    mutating func start(_ id: PeerID) {
        let fileSystem = servers[id]!.fileSystem
        do {
            let boot = try ReplicaBoot.read(
                fileSystem: fileSystem, snapshotDirectory: "/data", logDirectory: "/data", ensemble: true)
            var nodeConfig = NodeConfig(tickTime: 100, digest: DigestAuth())
            nodeConfig.serverId = Int64(id)
            nodeConfig.minSessionTimeout = 200
            nodeConfig.maxSessionTimeout = 2000
            var zab = ZabConfig(id: id, voters: ids, tickTime: 100, initLimit: 10, syncLimit: 5)
            zab.electionFinalizeWait = 50
            zab.electionResend = 100
            zab.historyWindowMax = 50
            servers[id]!.node = KeeperNode(
                config: nodeConfig, startedAt: time, state: boot.state, log: boot.log, zab: zab,
                acceptedEpoch: boot.acceptedEpoch, currentEpoch: boot.currentEpoch)
            servers[id]!.writer = LogWriter(
                fileSystem: fileSystem, directory: "/data", preallocationStep: 8192, lastZxid: boot.lastZxid)
            servers[id]!.appliedAtSnapshot = boot.state.zxid
            servers[id]!.incarnation += 1
            servers[id]!.queue = []
            servers[id]!.diskBusy = false
            queue.schedule(.tick(id), at: now + 1 + Int64(random.next() % 50))
            note("start \(id) at zxid \(Zxid.hex(boot.state.zxid)) + \(boot.log.count) logged")
        } catch {
            // Recovery refusing to start is a finding: storage lost something it promised.
            fatalRecovery = "server \(id) cannot recover: \(error)"
        }
    }

    var fatalRecovery: String?

    /// Power loss: the process stops, unsynced writes are lost or torn.
    mutating func crash(_ id: PeerID, _ why: String) throws {
        try stop(id, why)
        servers[id]!.fileSystem.reboot(random: &random)
    }

    /// The process is killed (SIGKILL) and the machine stays up: what it wrote and did not
    /// sync is still in the page cache, readable after a restart, and lost only if the power
    /// fails later.
    mutating func kill(_ id: PeerID) throws {
        try stop(id, "killed")
    }

    private mutating func stop(_ id: PeerID, _ why: String) throws {
        guard servers[id]?.node != nil else { return }
        note("crash \(id): \(why)")
        servers[id]!.node = nil
        servers[id]!.writer = nil
        servers[id]!.fileSystem.clearFaults()
        for other in ids where other != id { try disconnect(id, other) }
        for (connection, client) in connectionOwner.sorted(by: { $0.key < $1.key }) where clients[client].server == id {
            connectionOwner[connection] = nil
            clients[client].disconnected()
        }
    }

    mutating func restart(_ id: PeerID) throws {
        guard servers[id]?.node == nil else { return }
        start(id)
        if let fatalRecovery { throw violation(fatalRecovery) }
        for other in ids where other != id { try connect(id, other) }
    }

    mutating func step(_ id: PeerID, _ event: NodeEvent) throws {
        guard servers[id]?.node != nil else { return }
        let actions = servers[id]!.node!.step(event, at: time)
        try perform(actions, by: id)
        try checkEphemerals(on: id)
        try checkClients()
    }

    mutating func perform(_ actions: [NodeAction], by id: PeerID) throws {
        for action in actions {
            guard servers[id]?.node != nil else { return }
            switch action {
            case .send(let connection, let bytes):
                guard let client = connectionOwner[connection] else { continue }
                clients[client].received(bytes)
                // The simulated client takes every reply at once: its buffer drains.
                queue.schedule(.writable(id, connection), at: now + 1)
            case .close(let connection):
                if let client = connectionOwner.removeValue(forKey: connection) { clients[client].disconnected() }
            case .pauseReading, .resumeReading:
                break
            case .notice(let notice):
                note("\(id): \(notice)")
            case .persist(let entries):
                enqueueDisk(.append(entries), on: id)
            case .sendPeer(let peer, let message):
                send(message, from: id, to: peer)
            case .disconnectPeer(let peer):
                try disconnect(id, peer)
                queue.schedule(.reconnect(id, peer), at: now + 5 + Int64(random.next() % 20))
            case .saveEpochs(let accepted, let current):
                do {
                    try EpochFiles.write(
                        fileSystem: servers[id]!.fileSystem, directory: "/data", accepted: accepted, current: current)
                } catch {
                    return try crash(id, "epochs not written: \(error)")
                }
            case .truncateLog(let zxid):
                enqueueDisk(.truncate(after: zxid), on: id)
            case .installSnapshot(let bytes, let zxid):
                enqueueDisk(.installSnapshot(bytes, zxid: zxid), on: id)
            case .role(let role):
                try onRole(role, of: id)
            }
        }
    }

    private mutating func onRole(_ role: ZabRole, of id: PeerID) throws {
        note("\(id) is \(role)")
        guard case .leading(let epoch, true) = role else { return }
        if let other = leaders[epoch], other != id {
            throw violation("two leaders established in epoch \(epoch): \(other) and \(id)")
        }
        leaders[epoch] = id
    }

    // MARK: - Disks

    private mutating func enqueueDisk(_ operation: LogOperation, on id: PeerID) {
        servers[id]!.queue.append(operation)
        guard !servers[id]!.diskBusy else { return }
        servers[id]!.diskBusy = true
        queue.schedule(.diskDone(id, incarnation: servers[id]!.incarnation), at: now + servers[id]!.diskLatency)
    }

    /// The disk carries out everything queued, in order, with one sync for the appends;
    /// an error (injected or the machine crashing) stops the server, as the real one stops.
    private mutating func diskDone(_ id: PeerID) throws {
        var server = servers[id]!
        let batch = server.queue
        server.queue = []
        server.diskBusy = false
        servers[id] = server
        let done: [LogCompletion]
        do {
            done = try LogBatch.write(
                batch, to: server.writer!, fileSystem: server.fileSystem, snapshotDirectory: "/data"
            )
            .done
        } catch {
            return try crash(id, "disk: \(error)")
        }
        for completion in done {
            switch completion {
            case .appended(let zxid): try step(id, .persisted(upTo: zxid))
            case .truncated(let zxid): try step(id, .truncated(after: zxid))
            case .snapshotInstalled(let zxid): try step(id, .snapshotInstalled(zxid: zxid))
            }
        }
        try snapshotIfDue(id)
    }

    private mutating func snapshotIfDue(_ id: PeerID) throws {
        guard let node = servers[id]?.node else { return }
        let applied = node.tree.lastProcessedZxid
        guard
            applied - servers[id]!.appliedAtSnapshot >= Int64(settings.snapshotEvery)
                || Zxid.epoch(applied) != Zxid.epoch(servers[id]!.appliedAtSnapshot) && applied > 0
                    && Zxid.counter(applied) >= Int64(settings.snapshotEvery)
        else { return }
        servers[id]!.appliedAtSnapshot = applied
        do {
            try SnapshotFile.write(
                SnapshotContents(tree: node.tree, sessions: node.sessionTimeouts), fileSystem: servers[id]!.fileSystem,
                directory: "/data")
            try Purge.run(
                fileSystem: servers[id]!.fileSystem, snapshotDirectory: "/data", logDirectory: "/data", retain: 3)
        } catch {
            try crash(id, "snapshot: \(error)")
        }
    }

    // MARK: - Network

    private mutating func send(_ message: ZabMessage, from: PeerID, to: PeerID) {
        guard let (generation, arrival) = network.route(from: from, to: to, now: now, random: &random) else { return }
        queue.schedule(.arrive(from: from, to: to, generation: generation, message), at: arrival)
    }

    mutating func connect(_ a: PeerID, _ b: PeerID) throws {
        guard servers[a]?.node != nil, servers[b]?.node != nil, network.connect(a, b) else { return }
        try step(a, .peerConnected(b))
        try step(b, .peerConnected(a))
    }

    mutating func disconnect(_ a: PeerID, _ b: PeerID) throws {
        guard network.disconnect(a, b) else { return }
        try step(a, .peerDisconnected(b))
        try step(b, .peerDisconnected(a))
    }

    // MARK: - Events

    public mutating func handle(_ event: Event) throws {
        switch event {
        case .tick(let id):
            guard servers[id]?.node != nil else { return }
            try step(id, .tick)
            queue.schedule(.tick(id), at: now + 50)
        case .arrive(let from, let to, let generation, let message):
            guard network.isCurrent(from, to, generation: generation) else { return }
            try step(to, .peerMessage(from: from, message))
        case .diskDone(let id, let incarnation):
            guard servers[id]?.node != nil, servers[id]!.incarnation == incarnation else { return }
            try diskDone(id)
        case .client(let index):
            guard now < settings.faultPhase + settings.healPhase - settings.quietPhase else { return }
            try clientStep(index)
            queue.schedule(.client(index), at: now + 10 + Int64(random.next() % 20))
        case .fault:
            guard now < settings.faultPhase else { return }
            try injectFault()
            queue.schedule(.fault, at: now + 10)
        case .heal:
            note("heal everything")
            for id in ids { servers[id]!.fileSystem.clearFaults() }
            network.healAll()
            for id in ids { try restart(id) }
            for a in ids { for b in ids where a < b { try connect(a, b) } }
        case .connectAll:
            for a in ids { for b in ids where a < b { try connect(a, b) } }
        case .reconnect(let a, let b):
            try connect(a, b)
        case .writable(let id, let connection):
            guard connectionOwner[connection] != nil else { return }
            try step(id, .writable(connection))
        }
    }

    private mutating func injectFault() throws {
        let id = ids[Int(random.next() % UInt64(ids.count))]
        let other = ids[Int(random.next() % UInt64(ids.count))]
        if random.chance(settings.crashChance) {
            if servers[id]?.node == nil {
                try restart(id)
            } else if random.chance(0.5) {
                try kill(id)
            } else if random.chance(0.5) {
                try crash(id, "power loss")
            } else {
                // The power fails in the middle of what the disk does next.
                let fileSystem = servers[id]!.fileSystem
                fileSystem.crash(atOperation: fileSystem.operationCount + Int(random.next() % 8))
            }
        }
        if random.chance(settings.crashChance), servers[id]?.node == nil {
            note("power loss at \(id), whose process is down")
            servers[id]!.fileSystem.reboot(random: &random)
        }
        if random.chance(settings.diskFailureChance), servers[id]?.node != nil {
            // The disk fails on one of the next few operations.
            let fileSystem = servers[id]!.fileSystem
            fileSystem.fail(atOperation: fileSystem.operationCount + Int(random.next() % 5))
        }
        try injectLinkFaults(id, other, cutChance: settings.cutChance, partitionChance: settings.partitionChance)
        for down in ids where servers[down]?.node == nil && random.chance(0.02) { try restart(down) }
    }

    // MARK: - Clients

    private mutating func clientStep(_ index: Int) throws {
        guard now >= clients[index].silentUntil else { return }
        if clients[index].server == nil {
            let id = clients[index].pinnedServer ?? ids[Int(random.next() % UInt64(ids.count))]
            guard servers[id]?.node != nil else { return }
            let connection = nextConnection
            nextConnection += 1
            connectionOwner[connection] = index
            clients[index].connecting(to: id, connection: connection)
            try step(id, .connected(connection, address: "10.0.0.\(index + 1)"))
            if let session = clients[index].session?.id { sessionUsed[session] = now }
            try step(id, .handshake(connection, clients[index].connectRequest()))
            return
        }
        guard let id = clients[index].server, let connection = clients[index].connection else { return }
        guard let work = chooseWork(for: index) else { return }
        for (xid, request) in clients[index].requests(work, upTo: settings.inFlight, now: now) {
            if let session = clients[index].session?.id { sessionUsed[session] = now }
            try step(id, .received(connection, xid: xid, request))
        }
    }

    /// Mostly creates; now and then an ephemeral create, a sync and read of the latest
    /// acknowledged znode, a close of the session, or a silence long enough for the session
    /// to expire (or nearly: its last request may race the expiry).
    private mutating func chooseWork(for index: Int) -> SimulatedClient.Work? {
        if clients[index].onlySyncsAndReads, let latest = latestAcknowledged {
            return .syncThenRead(path: latest.path, acknowledgedAt: latest.at)
        }
        let roll = random.next() % 1000 + (settings.randomFaults ? 0 : 25)
        switch roll {
        case 0..<15:
            clients[index].silentUntil = now + 700 + Int64(random.next() % 700)
            note("client \(index) goes silent until \(clients[index].silentUntil)")
            return nil
        case 15..<25:
            return .closeSession
        case 25..<175:
            return .create(ephemeral: true)
        case 175..<300:
            guard let latest = latestAcknowledged else { return .create(ephemeral: false) }
            return .syncThenRead(path: latest.path, acknowledgedAt: latest.at)
        default:
            return .create(ephemeral: false)
        }
    }

    // MARK: - Checks after every step

    /// Collects what the clients were just told, and the guarantees their replies broke.
    private mutating func checkClients() throws {
        for index in clients.indices {
            if let session = clients[index].session?.id, sessionUsed[session] == nil { sessionUsed[session] = now }
            if let path = clients[index].newlyAcknowledged.last { latestAcknowledged = (path, now) }
            clients[index].newlyAcknowledged = []
            if let violation = clients[index].violations.first { throw self.violation(violation) }
        }
    }

    /// No ephemeral znode belongs to a session the server holds closed (ZOOKEEPER-1208: a
    /// create forwarded for a session whose close already committed).
    private func checkEphemerals(on id: PeerID) throws {
        guard let node = servers[id]?.node else { return }
        for session in node.tree.ephemerals.keys.sorted() where node.sessions.session(session) == nil {
            throw violation(
                "server \(id) holds ephemeral \(node.tree.ephemerals[session]!.sorted()) of session "
                    + "0x\(String(UInt64(bitPattern: session), radix: 16)), which is closed")
        }
    }

    // MARK: - Checks

    mutating func checkConverged() throws {
        if let fatalRecovery { throw violation(fatalRecovery) }
        let running = ids.compactMap { servers[$0]?.node }
        guard running.count == ids.count, running.allSatisfy(\.isServing) else {
            throw violation(
                "not every server serves \(settings.healPhase) ms after healing: \(ids.map { "\($0): \(servers[$0]?.node?.role.map { "\($0)" } ?? "down")" })"
            )
        }
        try checkAbandonedSessionsExpired(running)
        let zxids = Set(running.map(\.tree.lastProcessedZxid))
        guard zxids.count == 1 else { throw violation("servers stopped at different zxids: \(zxids.map(Zxid.hex))") }
        let reference = Self.fingerprint(running[0].tree)
        for (id, node) in zip(ids, running) where Self.fingerprint(node.tree) != reference {
            throw violation("server \(id)'s tree differs from server \(ids[0])'s at the same zxid")
        }
        for client in clients {
            for (path, data) in client.acknowledged {
                for (id, node) in zip(ids, running) where node.tree.node(at: path)?.data != data {
                    throw violation("acknowledged write \(path) missing or different on server \(id)")
                }
            }
        }
        guard acknowledgedCount > 0 else { throw violation("no write was acknowledged in the whole run") }
    }

    /// A session its client stopped using is gone once healing had time to expire it: none
    /// lives on because a server that once marked it closing leads again (its close never
    /// committed, and a closing session is never expired twice).
    private func checkAbandonedSessionsExpired(_ running: [KeeperNode]) throws {
        let abandonedFor: Int64 = 2500
        for (id, node) in zip(ids, running) {
            for session in node.sessions.sessions.keys.sorted() {
                guard let used = sessionUsed[session], now - used > abandonedFor else { continue }
                throw violation(
                    "server \(id) still holds session 0x\(String(UInt64(bitPattern: session), radix: 16)), "
                        + "last used at \(used) ms, \(now - used) ms ago; its timeout is 1000 ms")
            }
        }
    }

    static func fingerprint(_ tree: DataTree) -> [String] {
        tree.nodes.keys.sorted().map { path in
            let node = tree.node(at: path)!
            return "\(path) \(node.data ?? []) \(node.stat)"
        }
    }
}
