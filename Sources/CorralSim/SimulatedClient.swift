import KeeperCore
import KeeperNode
import KeeperProtocol
import Zab

/// A ZooKeeper client as the cluster simulation plays it: one session at a time, moved to
/// another server when its connection ends, with a few requests in flight. It creates
/// uniquely named znodes, persistent and ephemeral, and remembers every create the server
/// acknowledged; it syncs and then reads a znode some client was told was created before the
/// sync began, which must be there; it closes its session now and then, or goes silent
/// until the session expires, and starts a new one.
struct SimulatedClient {
    enum Phase { case disconnected, handshaking, connected, closing }

    /// What the simulation asks a client to do next.
    enum Work {
        case create(ephemeral: Bool)
        /// Sync, then check that `path` exists.
        case syncThenRead(path: String, acknowledgedAt: Int64)
        case closeSession
    }

    /// A request in flight and what its reply must say.
    enum Pending {
        case create(path: String, data: [UInt8], ephemeral: Bool)
        case sync
        case read(path: String, acknowledgedAt: Int64, syncSentAt: Int64)
        case close
    }

    let id: Int
    var phase = Phase.disconnected
    var server: PeerID?
    var connection: ConnectionID?
    var session: (id: Int64, password: [UInt8])?
    var lastZxid: Int64 = 0
    var nextXid: Int32 = 1
    var written = 0
    var pending: [Int32: Pending] = [:]
    /// Persistent znodes the server acknowledged, with their data.
    var acknowledged: [String: [UInt8]] = [:]
    /// Persistent creates acknowledged since the simulation last collected them, with when.
    var newlyAcknowledged: [String] = []
    /// Broken guarantees seen in replies.
    var violations: [String] = []
    /// The client sends nothing before then (its session may expire meanwhile).
    var silentUntil: Int64 = 0
    /// Scripted scenarios: the server it always connects to, and whether it only syncs and
    /// reads.
    var pinnedServer: PeerID?
    var onlySyncsAndReads = false

    init(id: Int) { self.id = id }

    mutating func connecting(to server: PeerID, connection: ConnectionID) {
        self.server = server
        self.connection = connection
        phase = .handshaking
        nextXid = 1
    }

    func connectRequest() -> ConnectRequest {
        ConnectRequest(
            lastZxidSeen: lastZxid, timeout: 1000, sessionId: session?.id ?? 0,
            password: session?.password ?? [UInt8](repeating: 0, count: 16))
    }

    /// The connection ended: what was in flight has an unknown outcome and is forgotten. A
    /// session being closed is not used again.
    mutating func disconnected() {
        if phase == .closing { session = nil }
        phase = .disconnected
        server = nil
        connection = nil
        pending = [:]
    }

    /// The requests for `work`, up to `inFlight` in flight in all.
    mutating func requests(_ work: Work, upTo inFlight: Int, now: Int64) -> [(Int32, Request)] {
        guard phase == .connected, pending.count < inFlight else { return [] }
        switch work {
        case .create(let ephemeral):
            written += 1
            let path = "/\(ephemeral ? "e" : "c")\(id)-\(written)"
            let data = Array("client \(id) write \(written)".utf8)
            let flags: Int32 = ephemeral ? 1 : 0
            return [
                send(
                    .create(path: path, data: data, ephemeral: ephemeral),
                    .create(CreateRequest(path: path, data: data, acl: ACL.openUnsafe, flags: flags)))
            ]
        case .syncThenRead(let path, let acknowledgedAt):
            return [
                send(.sync, .sync(path: "/")),
                send(
                    .read(path: path, acknowledgedAt: acknowledgedAt, syncSentAt: now),
                    .exists(path: path, watch: false)),
            ]
        case .closeSession:
            phase = .closing
            return [send(.close, .closeSession)]
        }
    }

    private mutating func send(_ expectation: Pending, _ request: Request) -> (Int32, Request) {
        defer { nextXid += 1 }
        pending[nextXid] = expectation
        return (nextXid, request)
    }

    mutating func received(_ frame: [UInt8]) {
        var reader = JuteReader(frame, offset: 4)
        if phase == .handshaking {
            guard let response = try? ConnectResponse(from: &reader) else { return }
            if response.timeout == 0 {
                session = nil  // expired: the next connection starts a new session
                return
            }
            session = (response.sessionId, response.password)
            phase = .connected
            return
        }
        guard let header = try? ReplyHeader(from: &reader), header.xid >= 0 else { return }
        if header.zxid > lastZxid { lastZxid = header.zxid }
        guard let expectation = pending.removeValue(forKey: header.xid) else { return }
        switch expectation {
        case .create(let path, let data, let ephemeral):
            guard header.error == .ok, !ephemeral else { return }
            acknowledged[path] = data
            newlyAcknowledged.append(path)
        case .read(let path, let acknowledgedAt, let syncSentAt):
            guard header.error == .noNode else { return }
            violations.append(
                "client \(id) synced at \(syncSentAt) ms, then found no \(path), whose create a client was told "
                    + "succeeded at \(acknowledgedAt) ms (reply zxid \(Zxid.hex(header.zxid)))")
        case .sync, .close:
            break
        }
    }
}
