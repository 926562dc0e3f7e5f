import CorralTLS
import FoundationEssentials
import KeeperCore
import KeeperNode
import KeeperProtocol
import KeeperStorage
import Logging
import NIOCore
import Zab

/// The far end of a client connection, and when it was last heard from: like ZooKeeper's
/// NIO connection factory, which touches a connection on every read, so that `dump` can
/// say when each would expire.
struct ClientRemote {
    var address: String
    var port: Int
    var heardAt: NIODeadline
}

/// Owns a KeeperNode on the server's event loop and carries out its actions: writes to
/// channels, closes, back-pressure, logging. Every connection lives on the same loop, so
/// the node is touched by one thread only and needs no lock.
final class NodeHost {
    private var node: KeeperNode
    private let config: KeeperConfig
    let logger: Logger
    private let startedAt: NIODeadline
    private var channels: [ConnectionID: Channel] = [:]
    private var handlers: [ConnectionID: ClientChannelHandler] = [:]
    /// Connections with a `.writable` report on its way to the node.
    private var writableReports: Set<ConnectionID> = []
    private var remotes: [ConnectionID: ClientRemote] = [:]
    private var connectionsPerAddress: [String: Int] = [:]
    private var nextID: ConnectionID = 1
    /// Packets for each client connection since the last flush, in one buffer each.
    private var outgoing: [ConnectionID: ByteBuffer] = [:]
    /// nil: in memory only (no dataDir).
    private let storage: DiskStorage?
    private(set) var failure: Error?
    private var peerChannels: [PeerID: Channel] = [:]
    private var peerQueued: [PeerID: Int] = [:]
    /// Frames for each peer written since the last flush.
    private var peerOutgoing: [PeerID: ByteBuffer] = [:]
    var connector: QuorumConnector?
    let metrics: KeeperMetrics
    private var replication: ReplicationTimer

    /// How long a connection the node closes may take to flush its last replies, for a
    /// client that stops reading with less than the high water mark buffered.
    static let closeFlushTimeMax = TimeAmount.seconds(10)

    init(config: KeeperConfig, node: KeeperNode, storage: DiskStorage?, metrics: KeeperMetrics, logger: Logger) {
        self.config = config
        self.metrics = metrics
        self.replication = ReplicationTimer(metrics: metrics)
        // An ensemble member starts out looking for a leader; the node reports only changes.
        if config.isEnsemble { replication.roleChanged(.looking, at: .now()) }
        self.logger = logger
        self.startedAt = .now()
        self.node = node
        self.storage = storage
    }

    /// Connects the storage's callbacks; called once, on the loop.
    func attachStorage(onFailure: @escaping (Error) -> Void) {
        storage?.onDurable = { [unowned self] completion in
            switch completion {
            case .appended(let zxid): self.handle(.persisted(upTo: zxid))
            case .truncated(let zxid): self.handle(.truncated(after: zxid))
            case .snapshotInstalled(let zxid): self.handle(.snapshotInstalled(zxid: zxid))
            }
            self.storage?.snapshotIfDue(SnapshotContents(tree: self.node.tree, sessions: self.node.sessionTimeouts))
        }
        storage?.onFailure = { [unowned self] error in self.fail(error) }
        storage?.onBacklog = { [unowned self] full in self.handle(.logQueue(full: full), flush: false) }
        onFatal = { [unowned self] error in self.fail(error) }
        self.failureHandler = onFailure
    }

    private var failureHandler: ((Error) -> Void)?

    private func fail(_ error: Error) {
        failure = error
        for channel in channels.values { channel.close(promise: nil) }
        for channel in peerChannels.values { channel.close(promise: nil) }
        failureHandler?(error)
    }

    func purge() { storage?.purge() }

    // MARK: - Quorum connections

    func helloFrame(allocator: ByteBufferAllocator) -> ByteBuffer {
        QuorumFrameDecoder.frame(
            QuorumHello(id: config.myId ?? 0, ensemble: config.ensembleIdentity).encoded(), allocator: allocator)
    }

    func checkHello(_ hello: QuorumHello) throws {
        guard hello.ensemble == config.ensembleIdentity else {
            throw QuorumError(
                "server \(hello.id) belongs to another ensemble (\(hello.ensemble)); ours is \(config.ensembleIdentity)"
            )
        }
        guard hello.id != config.myId, config.peers.contains(where: { $0.id == hello.id }) else {
            throw QuorumError("server id \(hello.id) is not another member of this ensemble")
        }
    }

    /// A server that dialled in over TLS must hold a certificate naming the host of the
    /// `server.N` line it claims, or any holder of a certificate from the quorum's
    /// authorities could speak as any server. One that came in plaintext (portUnification)
    /// while this server speaks TLS is let in with a warning: the switch is not finished.
    func checkPeerCertificate(_ hello: QuorumHello, tls: TLSPeerIdentity?) throws {
        guard let member = config.peers.first(where: { $0.id == hello.id }) else { return }
        guard let tls else {
            if config.sslQuorum {
                logger.warning(
                    "server \(hello.id) connected in plaintext (portUnification); remove portUnification once every server has sslQuorum=true"
                )
            }
            return
        }
        guard tls.names(host: member.host) else {
            throw QuorumError(
                "a connection claiming to be server \(hello.id) (\(member.host)) has a certificate for \(tls.names.isEmpty ? "no host" : tls.names.joined(separator: ", ")) (subject \(tls.certificateSubject ?? "none")); refused"
            )
        }
    }

    /// A channel to `peer` said hello. One that replaces another (the peer reconnected while
    /// the old socket still looked open) ends the old session first: the node hears of the
    /// loss before the new channel, or a leader would keep counting a follower that restarted.
    func peerConnected(_ peer: PeerID, channel: Channel) {
        if let old = peerChannels[peer], old !== channel {
            peerChannels[peer] = nil
            peerOutgoing[peer] = nil
            old.close(promise: nil)
            logger.info("server \(peer) connected again; closing its previous connection")
            handle(.peerDisconnected(peer))
        }
        peerChannels[peer] = channel
        peerQueued[peer] = 0
        peerOutgoing[peer] = nil
        connector?.connected(peer)
        logger.info("connected to server \(peer)")
        handle(.peerConnected(peer))
    }

    /// Whether `channel` is the one the node knows for `peer`: frames from a replaced one are
    /// dropped.
    func isCurrent(_ channel: Channel, of peer: PeerID) -> Bool { peerChannels[peer] === channel }

    func peerDisconnected(_ peer: PeerID, channel: Channel) {
        guard peerChannels[peer] === channel else { return }
        peerChannels[peer] = nil
        peerOutgoing[peer] = nil
        logger.info("lost the connection to server \(peer)")
        handle(.peerDisconnected(peer))
    }

    /// How long a quorum connection has to say hello (ms).
    var cnxTimeout: Int { config.cnxTimeout }

    func quorumFailure(_ reason: String, peer: PeerID?, channel: Channel) {
        logger.warning(
            "closing the quorum connection \(peer.map { "with server \($0)" } ?? "from \(channel.remoteAddress?.description ?? "?")"): \(reason)"
        )
        channel.close(promise: nil)
    }

    /// Frames a message into the peer's outgoing buffer; `flushWrites` sends each peer's
    /// buffer as one write.
    private func sendPeer(_ peer: PeerID, _ message: ZabMessage) {
        guard let channel = peerChannels[peer] else { return }
        QuorumFrameDecoder.append(
            ZabWire.encode(message), to: &peerOutgoing[peer, default: channel.allocator.buffer(capacity: 4096)])
    }

    /// Sends a peer's frames, unless what it has not taken yet is over peerQueueBytesMax. A
    /// send counts for at most half the bound: a sync with a long history or a snapshot may
    /// be larger than the bound and must still reach a peer that reads, while a peer that
    /// does not is dropped within a few sends of any size.
    private func flushPeer(_ peer: PeerID, _ frames: ByteBuffer) {
        guard let channel = peerChannels[peer] else { return }
        let counted = min(frames.readableBytes, config.peerQueueBytesMax / 2)
        let queued = (peerQueued[peer] ?? 0) + counted
        guard queued <= config.peerQueueBytesMax else {
            logger.warning(
                "server \(peer) is not keeping up: \(queued) bytes queued, over peerQueueBytesMax (\(config.peerQueueBytesMax)); dropping the connection"
            )
            channel.close(promise: nil)
            return
        }
        peerQueued[peer] = queued
        let promise = channel.eventLoop.makePromise(of: Void.self)
        let this = NIOLoopBound(self, eventLoop: channel.eventLoop)
        promise.futureResult.whenComplete { _ in this.value.written(counted, to: peer, on: channel) }
        channel.writeAndFlush(frames, promise: promise)
    }

    private func written(_ counted: Int, to peer: PeerID, on channel: Channel) {
        guard peerChannels[peer] === channel else { return }
        peerQueued[peer, default: counted] -= counted
    }

    func shutdownStorage(on loop: EventLoop) -> EventLoopFuture<Void> {
        storage?.shutdown() ?? loop.makeSucceededVoidFuture()
    }

    static func now() -> NodeTime {
        NodeTime(
            wall: Int64(Date().timeIntervalSince1970 * 1000),
            monotonic: Int64(NIODeadline.now().uptimeNanoseconds / 1_000_000))
    }

    var status: NodeStatus { node.status }

    /// `GET /metrics`: the gauges set from the node's status now, then every metric.
    func metricsExposition() -> [UInt8] {
        let uptime = (NIODeadline.now() - startedAt).nanoseconds / 1_000_000
        metrics.refresh(node.status, uptime: uptime, quorumSize: config.peers.count)
        return metrics.registry.exposition()
    }

    // MARK: - Connections

    /// Admits a connection as soon as it is accepted, its TLS handshake still to come,
    /// unless its address already has maxClientCnxns open; the address it counts against,
    /// or nil (closed). Every admitted address is given back, by `disconnected` or `released`.
    func admit(_ channel: Channel) -> String? {
        let address = channel.remoteAddress?.ipAddress ?? "unknown"
        let open = connectionsPerAddress[address, default: 0]
        if config.maxClientCnxns > 0 && open >= config.maxClientCnxns {
            logger.warning(
                "too many connections from \(address): max is \(config.maxClientCnxns) (maxClientCnxns); closing")
            channel.close(promise: nil)
            return nil
        }
        connectionsPerAddress[address] = open + 1
        return address
    }

    /// An admitted connection that ended before it was connected (a TLS handshake that
    /// failed or timed out).
    func released(_ address: String) {
        connectionsPerAddress[address, default: 1] -= 1
        if connectionsPerAddress[address] == 0 { connectionsPerAddress[address] = nil }
    }

    /// An admitted connection ready for ZooKeeper's protocol (over TLS: once its handshake
    /// is done).
    func connected(
        _ channel: Channel, admitted address: String, handler: ClientChannelHandler, certificateSubject: String? = nil
    ) -> ConnectionID {
        let id = nextID
        nextID += 1
        channels[id] = channel
        handlers[id] = handler
        remotes[id] = ClientRemote(address: address, port: channel.remoteAddress?.port ?? 0, heardAt: .now())
        handle(.connected(id, address: address, certificateSubject: certificateSubject))
        return id
    }

    func disconnected(_ id: ConnectionID) {
        guard channels.removeValue(forKey: id) != nil, let remote = remotes.removeValue(forKey: id) else { return }
        handlers[id] = nil
        released(remote.address)
        handle(.disconnected(id))
    }

    /// The connection delivered a read burst.
    func heard(from id: ConnectionID) {
        remotes[id]?.heardAt = .now()
    }

    func malformed(_ id: ConnectionID, reason: String) {
        let remote = remotes[id].map { "\($0.address):\($0.port)" } ?? "?"
        logger.warning("closing connection from \(remote): \(reason)")
        channels[id]?.close(promise: nil)
    }

    func fourLetterWord(_ word: String, on id: ConnectionID) {
        let words = FourLetterWords(config: config, uptime: startedAt, remotes: remotes)
        let answer: String
        switch config.allows(word) ? word : "" {
        case "srst":
            node.resetServerStats()
            answer = "Server stats reset.\n"
        case "crst":
            node.resetConnectionStats()
            answer = "Connection stats reset.\n"
        case "wchc":
            answer = words.wchc(node.watchesBySession)
        case "wchp":
            answer = words.wchp(node.watchesByPath)
        case "dump":
            answer = words.dump(
                node.status, sessions: node.sessions, ephemerals: node.tree.ephemerals, now: Self.now())
        default:
            answer = words.answer(word, status: node.status)
        }
        guard let channel = channels[id] else { return }
        channel.writeAndFlush(channel.allocator.buffer(string: answer)).whenComplete { _ in
            channel.close(promise: nil)
        }
    }

    // MARK: - Driving the node

    /// Steps the node and carries out what it asks. What it sends is gathered per
    /// connection and written at once unless `flush` is false: the replies to a read burst
    /// then leave together at `flushWrites()`, one buffer and one syscall for many
    /// pipelined replies.
    func handle(_ event: NodeEvent, flush: Bool = true) {
        guard failure == nil else { return }
        perform(node.step(event, at: Self.now()))
        observe()
        if flush { flushWrites() }
    }

    /// Hands what the step measured to the metrics: request latencies, and the zxid applied
    /// for the replication timer.
    private func observe() {
        if !node.latencySamples.isEmpty { metrics.record(node.takeLatencySamples()) }
        if !replication.isIdle { replication.applied(through: node.tree.lastProcessedZxid, at: .now()) }
    }

    /// Sends what was written to every client and peer connection since the last flush.
    /// A paused connection whose buffered output is under the low water mark after this
    /// write (the kernel took it) gets its `.writable` report now: no writability change
    /// would come to say so.
    func flushWrites() {
        if !outgoing.isEmpty {
            for (id, packets) in outgoing {
                guard let channel = channels[id] else { continue }
                channel.writeAndFlush(packets, promise: nil)
                if handlers[id]?.isPaused == true && channel.isWritable { reportWritable(id) }
            }
            outgoing.removeAll(keepingCapacity: true)
        }
        guard !peerOutgoing.isEmpty else { return }
        let outgoing = peerOutgoing
        peerOutgoing.removeAll(keepingCapacity: true)
        for (peer, frames) in outgoing.sorted(by: { $0.key < $1.key }) { flushPeer(peer, frames) }
    }

    private func perform(_ actions: [NodeAction]) {
        // In memory only (no dataDir), disk work counts as durable as soon as it is asked.
        var durable: [NodeEvent] = []
        for action in actions {
            // A failed epoch write stops the server: nothing after it may leave.
            guard failure == nil else { return }
            switch action {
            case .send(let id, let packet):
                guard let channel = channels[id] else { continue }
                outgoing[id, default: channel.allocator.buffer(capacity: 1024)].writeBytes(packet)
            case .close(let id):
                closeAfterFlush(id)
            case .pauseReading(let id):
                handlers[id]?.pauseReading()
            case .resumeReading(let id):
                handlers[id]?.resumeReading()
            case .persist(let entries):
                replication.persisting(entries, at: .now())
                if let storage {
                    storage.persist(entries)
                } else {
                    // In memory only: a transaction counts as durable as soon as it is decided.
                    if let last = entries.last?.zxid { durable.append(.persisted(upTo: last)) }
                }
            case .notice(let notice):
                log(notice)
            case .sendPeer(let peer, let message):
                sendPeer(peer, message)
            case .saveEpochs(let accepted, let current):
                saveEpochs(accepted: accepted, current: current)
            case .truncateLog(let zxid):
                logger.info(
                    "truncating the log after zxid 0x\(StorageFormat.hex16(zxid)): the new leader does not have what follows"
                )
                if let storage { storage.truncate(after: zxid) } else { durable.append(.truncated(after: zxid)) }
            case .installSnapshot(let bytes, let zxid):
                if let storage {
                    storage.installSnapshot(bytes, zxid: zxid)
                } else {
                    durable.append(.snapshotInstalled(zxid: zxid))
                }
            case .disconnectPeer(let peer):
                peerChannels[peer]?.close(promise: nil)
            case .role(let role):
                logger.info("role: \(role)")
                replication.roleChanged(role, at: .now())
            }
        }
        for event in durable { handle(event, flush: false) }
    }

    /// Epochs must be on disk before the message that depends on them leaves: written here,
    /// on the loop, before the next action.
    private func saveEpochs(accepted: Int64, current: Int64) {
        guard let directory = config.dataDir else { return }
        do {
            try EpochFiles.write(
                fileSystem: PosixFileSystem(), directory: directory, accepted: accepted, current: current)
        } catch {
            logger.critical("cannot write the epoch files in \(directory): \(error); stopping")
            failure = error
            onFatal?(error)
        }
    }

    var onFatal: ((Error) -> Void)?

    /// Tells the node, on a later turn of the loop, that a paused connection's buffered
    /// output is under the low water mark. Later: this is called while writing, where
    /// stepping the node again would reorder what it sends.
    func reportWritable(_ id: ConnectionID) {
        guard let channel = channels[id], writableReports.insert(id).inserted else { return }
        let this = NIOLoopBound(self, eventLoop: channel.eventLoop)
        channel.eventLoop.execute {
            this.value.writableReports.remove(id)
            this.value.handle(.writable(id))
        }
    }

    /// Closes once the last replies are written. A connection over its high water mark is
    /// closed at once: its client is not taking what it was sent (the node blocks a
    /// connection only while it is unwritable), and the flush would wait on it forever.
    private func closeAfterFlush(_ id: ConnectionID) {
        guard let channel = channels[id] else { return }
        let packets = outgoing.removeValue(forKey: id) ?? channel.allocator.buffer(capacity: 0)
        guard channel.isWritable else { return channel.close(promise: nil) }
        let deadline = channel.eventLoop.scheduleTask(in: Self.closeFlushTimeMax) { channel.close(promise: nil) }
        channel.writeAndFlush(packets).whenComplete { _ in
            deadline.cancel()
            channel.close(promise: nil)
        }
    }

    private func log(_ notice: Notice) {
        switch notice.level {
        case .info: logger.info("\(notice.message)")
        case .warning: logger.warning("\(notice.message)")
        }
    }
}
