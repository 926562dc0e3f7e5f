import KeeperProtocol

/// What Keeper servers send each other above ZAB, in ZAB's FIFO channel (`ZabMessage.app`):
/// a follower hands its clients' writes and session activity to the leader, and asks it to
/// sync; the leader answers syncs. Encoded with jute.
enum PeerRequest: Equatable, Sendable {
    /// A client's write, to be prepared by the leader with the client's identities.
    case forward(session: Int64, cxid: Int32, ids: [Id], request: Request)
    /// A new session a follower's client asked for.
    case createSession(session: Int64, timeout: Int32)
    /// Sessions whose clients were active on the follower since the last report.
    case touch([Int64])
    case syncRequest(token: Int64)
    case syncReply(token: Int64)
    /// A client reconnects to `session` on a follower: does the leader still hold it open?
    /// (ZooKeeper's REVALIDATE.)
    case revalidate(session: Int64, token: Int64)
    case revalidateReply(token: Int64, valid: Bool)

    private enum Kind: Int32 {
        case forward = 1
        case createSession
        case touch
        case syncRequest
        case syncReply
        case revalidate
        case revalidateReply
    }

    func encoded() -> [UInt8] {
        var writer = JuteWriter()
        switch self {
        case .forward(let session, let cxid, let ids, let request):
            writer.write(Kind.forward.rawValue)
            writer.write(session)
            writer.write(cxid)
            writer.write(ids)
            writer.write(request.opCode)
            request.write(to: &writer)
        case .createSession(let session, let timeout):
            writer.write(Kind.createSession.rawValue)
            writer.write(session)
            writer.write(timeout)
        case .touch(let sessions):
            writer.write(Kind.touch.rawValue)
            writer.write(Int32(sessions.count))
            for session in sessions { writer.write(session) }
        case .syncRequest(let token):
            writer.write(Kind.syncRequest.rawValue)
            writer.write(token)
        case .syncReply(let token):
            writer.write(Kind.syncReply.rawValue)
            writer.write(token)
        case .revalidate(let session, let token):
            writer.write(Kind.revalidate.rawValue)
            writer.write(session)
            writer.write(token)
        case .revalidateReply(let token, let valid):
            writer.write(Kind.revalidateReply.rawValue)
            writer.write(token)
            writer.write(valid)
        }
        return writer.bytes
    }

    static func decode(_ bytes: [UInt8]) throws(JuteError) -> PeerRequest {
        var reader = JuteReader(bytes)
        let kind = try reader.readInt32("PeerRequest.kind")
        switch Kind(rawValue: kind) {
        case .forward:
            let session = try reader.readInt64("session")
            let cxid = try reader.readInt32("cxid")
            let ids = try reader.readRecords(Id.self, "ids", minimumSize: 8)
            let type = try reader.readInt32("type")
            return .forward(
                session: session, cxid: cxid, ids: ids, request: try Request.read(type: type, from: &reader))
        case .createSession:
            return .createSession(session: try reader.readInt64("session"), timeout: try reader.readInt32("timeout"))
        case .touch:
            let count = try reader.readInt32("sessions")
            guard count >= 0, Int(count) <= reader.remaining / 8 else {
                throw .badLength(field: "sessions", length: count)
            }
            var sessions: [Int64] = []
            for _ in 0..<count { sessions.append(try reader.readInt64("session")) }
            return .touch(sessions)
        case .syncRequest:
            return .syncRequest(token: try reader.readInt64("token"))
        case .syncReply:
            return .syncReply(token: try reader.readInt64("token"))
        case .revalidate:
            return .revalidate(session: try reader.readInt64("session"), token: try reader.readInt64("token"))
        case .revalidateReply:
            return .revalidateReply(token: try reader.readInt64("token"), valid: try reader.readBool("valid"))
        case nil:
            throw .invalidValue(field: "PeerRequest.kind", value: Int64(kind))
        }
    }
}
