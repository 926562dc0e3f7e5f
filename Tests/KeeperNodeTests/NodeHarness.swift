import KeeperCore
import KeeperProtocol
import Testing
import Zab

@testable import KeeperNode

let digestAuth = DigestAuth()

/// Drives a KeeperNode with hand-made times and decodes what it sends, so a test reads as a
/// transcript: `trace` turns actions into lines such as `1: reply 3 zxid 2 err 0`,
/// `2: event NodeDataChanged /x`, `persist 4`, `close 1`.
struct NodeHarness {
    var node: KeeperNode
    var time: NodeTime
    /// The op of every request in flight, per connection and xid, to decode reply bodies.
    private var ops: [ConnectionID: [Int32: OpCode]] = [:]
    /// Connections whose next frame is a ConnectResponse.
    private var awaitingConnect: Set<ConnectionID> = []
    /// Zxids handed out for persisting and not yet reported persisted.
    private(set) var unpersisted: [Int64] = []

    static let start = NodeTime(wall: 1_700_000_000_000, monotonic: 50_000)

    init(_ configure: (inout NodeConfig) -> Void = { _ in }) {
        var config = NodeConfig(tickTime: 2000, digest: digestAuth)
        configure(&config)
        time = Self.start
        node = KeeperNode(config: config, startedAt: time)
    }

    /// The first session id the node hands out: server id 0, the start's wall clock.
    static var firstSessionId: Int64 { Int64(bitPattern: (UInt64(bitPattern: start.wall) << 24) >> 8) }

    // MARK: - Events

    mutating func step(_ event: NodeEvent) -> [NodeAction] {
        let actions = node.step(event, at: time)
        for case .persist(let entries) in actions { unpersisted += entries.map(\.zxid) }
        return actions
    }

    mutating func advance(_ milliseconds: Int64) {
        time.wall += milliseconds
        time.monotonic += milliseconds
    }

    mutating func tick(after milliseconds: Int64 = 0) -> [NodeAction] {
        advance(milliseconds)
        return step(.tick)
    }

    mutating func connect(_ id: ConnectionID, address: String = "10.0.0.1") {
        let actions = step(.connected(id, address: address))
        precondition(actions.isEmpty, "connect gave \(actions)")
    }

    mutating func handshake(_ id: ConnectionID, _ request: ConnectRequest) -> [NodeAction] {
        awaitingConnect.insert(id)
        return step(.handshake(id, request))
    }

    /// Every transaction handed out so far is on disk.
    mutating func persistAll() -> [NodeAction] {
        guard let last = unpersisted.last else { return [] }
        unpersisted = []
        return step(.persisted(upTo: last))
    }

    mutating func persist(upTo zxid: Int64) -> [NodeAction] {
        unpersisted.removeAll { $0 <= zxid }
        return step(.persisted(upTo: zxid))
    }

    mutating func send(_ id: ConnectionID, _ xid: Int32, _ request: Request) -> [NodeAction] {
        ops[id, default: [:]][xid] = OpCode(rawValue: request.opCode) ?? .notification
        return step(.received(id, xid: xid, request))
    }

    /// Connects, hands shakes and persists a new session; returns its id.
    mutating func openSession(
        _ id: ConnectionID, timeout: Int32 = 10_000, address: String = "10.0.0.1"
    ) -> Int64 {
        connect(id, address: address)
        _ = handshake(id, ConnectRequest(timeout: timeout))
        let actions = persistAll()
        guard case .connect(let response) = decode(actions).first(where: { $0.connection == id })?.packet else {
            preconditionFailure("no ConnectResponse for \(id) in \(actions)")
        }
        return response.sessionId
    }

    /// Sends a write and persists it at once; returns everything that happened.
    mutating func write(_ id: ConnectionID, _ xid: Int32, _ request: Request) -> [NodeAction] {
        send(id, xid, request) + persistAll()
    }

    // MARK: - Decoding

    enum Packet: Equatable {
        case connect(ConnectResponse)
        case reply(ReplyHeader, Response)
        case event(WatcherEvent)
    }

    struct Sent: Equatable {
        var connection: ConnectionID
        var packet: Packet
    }

    /// The packets among `actions`, decoded; a frame that does not decode fails the test.
    mutating func decode(_ actions: [NodeAction]) -> [Sent] {
        var sent: [Sent] = []
        for case .send(let id, let frame) in actions {
            if let packet = decodeFrame(frame, on: id) { sent.append(Sent(connection: id, packet: packet)) }
        }
        return sent
    }

    private mutating func decodeFrame(_ frame: [UInt8], on id: ConnectionID) -> Packet? {
        guard frame.count >= 4 else {
            Issue.record("short frame \(frame)")
            return nil
        }
        let length = Int(frame[0]) << 24 | Int(frame[1]) << 16 | Int(frame[2]) << 8 | Int(frame[3])
        #expect(length == frame.count - 4, "frame length prefix \(length) for \(frame.count - 4) bytes")
        var reader = JuteReader(Array(frame.dropFirst(4)))
        do {
            if awaitingConnect.remove(id) != nil {
                let response = try ConnectResponse(from: &reader)
                #expect(reader.isAtEnd)
                return .connect(response)
            }
            let header = try ReplyHeader(from: &reader)
            if header.xid == SpecialXid.notification {
                let event = try WatcherEvent(from: &reader)
                #expect(header.zxid == -1 && header.err == 0, "notification header \(header)")
                #expect(reader.isAtEnd)
                return .event(event)
            }
            let op = ops[id]?.removeValue(forKey: header.xid)
            var response = Response.empty
            if header.err == 0, let op {
                response = try Response.read(op: op, from: &reader)
            }
            #expect(reader.isAtEnd, "\(reader.remaining) bytes left in the reply to \(String(describing: op))")
            return .reply(header, response)
        } catch {
            Issue.record("undecodable frame on \(id): \(error)")
            return nil
        }
    }

    /// One line per action, notices left out.
    mutating func trace(_ actions: [NodeAction]) -> [String] {
        var lines: [String] = []
        for action in actions {
            switch action {
            case .send(let id, let frame):
                guard let packet = decodeFrame(frame, on: id) else { continue }
                switch packet {
                case .connect(let response):
                    lines.append("\(id): connect session \(hex(response.sessionId)) timeout \(response.timeout)")
                case .reply(let header, _):
                    lines.append("\(id): reply \(header.xid) zxid \(header.zxid) err \(header.err)")
                case .event(let event):
                    lines.append("\(id): event \(event.eventType.map { "\($0)" } ?? "\(event.type)") \(event.path)")
                }
            case .close(let id): lines.append("close \(id)")
            case .pauseReading(let id): lines.append("pause \(id)")
            case .resumeReading(let id): lines.append("resume \(id)")
            case .persist(let entries): lines.append("persist " + entries.map { "\($0.zxid)" }.joined(separator: ","))
            case .sendPeer(let peer, let message): lines.append("peer \(peer): \(message)")
            case .disconnectPeer(let peer): lines.append("disconnect \(peer)")
            case .saveEpochs(let accepted, let current): lines.append("epochs \(accepted) \(current)")
            case .truncateLog(let zxid): lines.append("truncate after \(zxid)")
            case .installSnapshot(_, let zxid): lines.append("install snapshot \(zxid)")
            case .role(let role): lines.append("role \(role)")
            case .notice: continue
            }
        }
        return lines
    }

    /// The replies among `actions` for one connection, in order.
    mutating func replies(_ actions: [NodeAction], to id: ConnectionID) -> [(ReplyHeader, Response)] {
        decode(actions).compactMap { sent in
            guard sent.connection == id, case .reply(let header, let response) = sent.packet else { return nil }
            return (header, response)
        }
    }

    /// The body of the single reply to `id` in `actions`.
    mutating func response(_ actions: [NodeAction], to id: ConnectionID) -> Response? {
        let all = replies(actions, to: id)
        #expect(all.count == 1, "expected one reply to \(id), got \(all.map(\.0))")
        return all.first?.1
    }
}

func hex(_ value: Int64) -> String { "0x" + String(UInt64(bitPattern: value), radix: 16) }

func create(
    _ path: String, _ data: [UInt8]? = [], acl: [ACL] = ACL.openUnsafe, flags: Int32 = 0, op: OpCode = .create,
    ttl: Int64 = -1
) -> Request {
    .create(CreateRequest(op: op, path: path, data: data, acl: acl, flags: flags, ttl: ttl))
}

/// The transaction inside a logged entry, for assertions.
extension ZabEntry {
    var entry: TxnEntry {
        do { return try TxnEntry.decode(payload) } catch {
            preconditionFailure("entry \(zxid) does not decode: \(error)")
        }
    }
    var txn: Txn { entry.txn }
    var header: TxnHeader { entry.header }
}
