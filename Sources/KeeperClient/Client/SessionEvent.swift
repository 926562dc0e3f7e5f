/// A change in the client's session, as `KeeperClient.sessionEvents()` reports it.
///
/// `suspended` means the connection is gone but the session may live on: calls in
/// flight failed with ConnectionLoss, watches are kept and re-registered when the client
/// reaches a server again (`reconnected`). `expired`, `closed` and `authFailed` end the
/// client for good; every later call fails.
public enum SessionEvent: Hashable, Sendable, CustomStringConvertible {
    /// The first handshake succeeded; `sessionID` is the new session.
    case connected(sessionID: Int64)
    case suspended
    /// A later handshake resumed the same session, possibly on another server.
    case reconnected(sessionID: Int64)
    case expired
    case closed
    case authFailed

    public var description: String {
        switch self {
        case .connected(let id): return "connected(0x\(String(UInt64(bitPattern: id), radix: 16)))"
        case .suspended: return "suspended"
        case .reconnected(let id): return "reconnected(0x\(String(UInt64(bitPattern: id), radix: 16)))"
        case .expired: return "expired"
        case .closed: return "closed"
        case .authFailed: return "authFailed"
        }
    }
}

/// Where the client's session stands right now.
public enum SessionState: Hashable, Sendable, CustomStringConvertible {
    /// Looking for a server: before the first handshake or after a lost connection.
    case connecting
    case connected
    case closing
    case closed
    case expired
    case authFailed

    /// Closed, expired and auth-failed clients never come back.
    public var isTerminal: Bool { self == .closed || self == .expired || self == .authFailed }

    /// zkCli's prompt words.
    public var description: String {
        switch self {
        case .connecting: return "CONNECTING"
        case .connected: return "CONNECTED"
        case .closing: return "CLOSING"
        case .closed: return "CLOSED"
        case .expired: return "EXPIRED"
        case .authFailed: return "AUTH_FAILED"
        }
    }
}

/// What identifies a session to the server: a client that holds these can resume the
/// session on another connection (ZooKeeper's `sessionId` and `sessionPasswd`).
public struct SessionCredentials: Hashable, Sendable {
    public var id: Int64
    public var password: [UInt8]
    /// The timeout the server granted, in milliseconds.
    public var timeoutMilliseconds: Int32

    public init(id: Int64, password: [UInt8], timeoutMilliseconds: Int32 = 0) {
        self.id = id
        self.password = password
        self.timeoutMilliseconds = timeoutMilliseconds
    }
}
