import KeeperProtocol

/// A call the server (or the session) refused with a ZooKeeper error code. It names the
/// path so a message reads like ZooKeeper's own (`Node does not exist: /a`), and a
/// failed multi carries every op's result: the op that failed holds its code, the ops
/// before it `ok` (rolled back) and the ops after it `runtimeInconsistency` (not run).
public struct KeeperError: Error, Hashable, Sendable, CustomStringConvertible {
    public var code: ErrorCode
    public var path: String?
    /// For a failed multi, the per-op results in op order; empty otherwise.
    public var results: [MultiResult]

    public init(_ code: ErrorCode, path: String? = nil, results: [MultiResult] = []) {
        self.code = code
        self.path = path
        self.results = results
    }

    /// The index of the op that failed a multi.
    public var failedOpIndex: Int? {
        results.firstIndex { result in
            if case .error(let code) = result { return code != .ok && code != .runtimeInconsistency }
            return false
        }
    }

    public var description: String {
        guard let path else { return code.message }
        return "\(code.message): \(path)"
    }
}

/// Failures that have no ZooKeeper error code: misuse caught before anything is sent,
/// and the client's own bounds.
public enum KeeperClientError: Error, Hashable, Sendable, CustomStringConvertible {
    case invalidConnectString(String, reason: String)
    /// The path breaks ZooKeeper's path rules; nothing was sent.
    case invalidPath(String, reason: String)
    /// `outstandingRequestsMax` requests are already queued or awaiting replies.
    case tooManyOutstandingRequests(limit: Int)
    /// `watchesMax` watches are already registered on this client.
    case tooManyWatches(limit: Int)
    /// A request would exceed `packetLengthMax`; ZooKeeper would close the connection on it.
    case packetTooLarge(length: Int, limit: Int)
    /// A persistent watch's consumer fell `limit` events behind; the watch was removed.
    case watchEventsOverflow(path: String, limit: Int)
    /// The client was closed before or while the call ran.
    case closed
    /// No session within the wait, and the last connection's TLS handshake failed for this
    /// reason (an untrusted or expired certificate, a server that wants a client certificate).
    case tlsHandshakeFailed(reason: String)

    public var description: String {
        switch self {
        case .invalidConnectString(let string, let reason):
            return "Invalid connect string \"\(string)\": \(reason)"
        case .invalidPath(let path, let reason):
            return "Invalid path \"\(path)\": \(reason)"
        case .tooManyOutstandingRequests(let limit):
            return "Too many outstanding requests (limit \(limit))"
        case .tooManyWatches(let limit):
            return "Too many watches (limit \(limit))"
        case .packetTooLarge(let length, let limit):
            return "Packet of \(length) bytes exceeds the limit of \(limit) bytes"
        case .watchEventsOverflow(let path, let limit):
            return "Watch on \(path) fell \(limit) events behind and was removed"
        case .closed:
            return "The client is closed"
        case .tlsHandshakeFailed(let reason):
            return
                "TLS handshake failed: \(reason); check the trust store (the server's CA), the client certificate and the server's name"
        }
    }
}
