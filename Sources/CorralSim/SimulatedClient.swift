import KeeperCore
import KeeperNode
import KeeperProtocol
import Zab

/// A ZooKeeper client as the cluster simulation plays it: one session, moved to another
/// server when its connection ends, creating uniquely named znodes with a few requests in
/// flight, and remembering every create the server acknowledged.
struct SimulatedClient {
    enum Phase { case disconnected, handshaking, connected }

    let id: Int
    var phase = Phase.disconnected
    var server: PeerID?
    var connection: ConnectionID?
    var session: (id: Int64, password: [UInt8])?
    var lastZxid: Int64 = 0
    var nextXid: Int32 = 1
    var written = 0
    var pending: [Int32: (path: String, data: [UInt8])] = [:]
    var acknowledged: [String: [UInt8]] = [:]

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

    /// The connection ended: what was in flight has an unknown outcome and is forgotten.
    mutating func disconnected() {
        phase = .disconnected
        server = nil
        connection = nil
        pending = [:]
    }

    mutating func requests(upTo inFlight: Int) -> [(Int32, Request)] {
        guard phase == .connected else { return [] }
        var requests: [(Int32, Request)] = []
        while pending.count < inFlight {
            written += 1
            let path = "/c\(id)-\(written)"
            let data = Array("client \(id) write \(written)".utf8)
            pending[nextXid] = (path, data)
            requests.append((nextXid, .create(CreateRequest(path: path, data: data, acl: ACL.openUnsafe, flags: 0))))
            nextXid += 1
        }
        return requests
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
        guard let (path, data) = pending.removeValue(forKey: header.xid) else { return }
        if header.error == .ok { acknowledged[path] = data }
    }
}
