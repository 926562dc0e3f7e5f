import Foundation
import KeeperCore
import KeeperNode
import KeeperProtocol
import KeeperStorage
import Logging
import NIOCore

/// Owns a KeeperNode on the server's event loop and carries out its actions: writes to
/// channels, closes, back-pressure, logging. Every connection lives on the same loop, so
/// the node is touched by one thread only and needs no lock.
final class NodeHost {
    private var node: KeeperNode
    private let config: KeeperConfig
    private let logger: Logger
    private let startedAt: NIODeadline
    private var channels: [ConnectionID: Channel] = [:]
    private var remotes: [ConnectionID: (address: String, port: Int)] = [:]
    private var connectionsPerAddress: [String: Int] = [:]
    private var nextID: ConnectionID = 1
    private var unflushed: Set<ConnectionID> = []
    /// nil: in memory only (no dataDir).
    private let storage: DiskStorage?
    private(set) var failure: Error?

    init(config: KeeperConfig, node: NodeConfig, restored: SnapshotContents, storage: DiskStorage?, logger: Logger) {
        self.config = config
        self.logger = logger
        self.startedAt = .now()
        self.node = KeeperNode(config: node, startedAt: Self.now(), tree: restored.tree, sessions: restored.sessions)
        self.storage = storage
    }

    /// Connects the storage's callbacks; called once, on the loop.
    func attachStorage(onFailure: @escaping (Error) -> Void) {
        storage?.onDurable = { [unowned self] zxid in
            self.handle(.persisted(upTo: zxid))
            self.storage?.snapshotIfDue(SnapshotContents(tree: self.node.tree, sessions: self.node.sessionTimeouts))
        }
        storage?.onFailure = { [unowned self] error in
            self.failure = error
            for channel in self.channels.values { channel.close(promise: nil) }
            onFailure(error)
        }
    }

    func purge() { storage?.purge() }

    func shutdownStorage(on loop: EventLoop) -> EventLoopFuture<Void> {
        storage?.shutdown() ?? loop.makeSucceededVoidFuture()
    }

    static func now() -> NodeTime {
        NodeTime(
            wall: Int64(Date().timeIntervalSince1970 * 1000),
            monotonic: Int64(NIODeadline.now().uptimeNanoseconds / 1_000_000))
    }

    var status: NodeStatus { node.status }

    // MARK: - Connections

    /// Admits a connection unless its address already has maxClientCnxns open.
    func connected(_ channel: Channel) -> ConnectionID? {
        let address = channel.remoteAddress?.ipAddress ?? "unknown"
        let open = connectionsPerAddress[address, default: 0]
        if config.maxClientCnxns > 0 && open >= config.maxClientCnxns {
            logger.warning("too many connections from \(address): max is \(config.maxClientCnxns) (maxClientCnxns); closing")
            channel.close(promise: nil)
            return nil
        }
        let id = nextID
        nextID += 1
        channels[id] = channel
        remotes[id] = (address, channel.remoteAddress?.port ?? 0)
        connectionsPerAddress[address] = open + 1
        handle(.connected(id, address: address))
        return id
    }

    func disconnected(_ id: ConnectionID) {
        guard channels.removeValue(forKey: id) != nil, let remote = remotes.removeValue(forKey: id) else { return }
        connectionsPerAddress[remote.address, default: 1] -= 1
        if connectionsPerAddress[remote.address] == 0 { connectionsPerAddress[remote.address] = nil }
        handle(.disconnected(id))
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
        default:
            answer = words.answer(word, status: node.status)
        }
        guard let channel = channels[id] else { return }
        channel.writeAndFlush(channel.allocator.buffer(string: answer)).whenComplete { _ in
            channel.close(promise: nil)
        }
    }

    // MARK: - Driving the node

    func handle(_ event: NodeEvent) {
        guard failure == nil else { return }
        perform(node.step(event, at: Self.now()))
    }

    private func perform(_ actions: [NodeAction]) {
        var persistedUpTo: Int64?
        for action in actions {
            switch action {
            case .send(let id, let packet):
                guard let channel = channels[id] else { continue }
                channel.write(channel.allocator.buffer(bytes: packet), promise: nil)
                unflushed.insert(id)
            case .close(let id):
                closeAfterFlush(id)
            case .pauseReading(let id):
                channels[id]?.setOption(ChannelOptions.autoRead, value: false).whenComplete { _ in }
            case .resumeReading(let id):
                guard let channel = channels[id] else { continue }
                channel.setOption(ChannelOptions.autoRead, value: true).whenComplete { _ in channel.read() }
            case .persist(let entries):
                if let storage {
                    storage.persist(entries)
                } else {
                    // In memory only: a transaction counts as durable as soon as it is decided.
                    persistedUpTo = entries.last?.zxid
                }
            case .notice(let notice):
                log(notice)
            }
        }
        for id in unflushed { channels[id]?.flush() }
        unflushed.removeAll()
        if let persistedUpTo { handle(.persisted(upTo: persistedUpTo)) }
    }

    private func closeAfterFlush(_ id: ConnectionID) {
        guard let channel = channels[id] else { return }
        unflushed.remove(id)
        channel.writeAndFlush(channel.allocator.buffer(capacity: 0)).whenComplete { _ in
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
