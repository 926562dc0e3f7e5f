import KeeperProtocol
import NIOCore

/// A caller waiting for the outcome of one request.
struct Ticket: Hashable, Sendable {
    let rawValue: UInt64
}

/// How a watching read turns into a watch once its reply arrives. The server registers
/// a watch only when the read succeeds (or, for exists, also when the node is missing),
/// so the client does the same on the reply, never earlier.
struct WatchIntent: Hashable, Sendable {
    enum Kind: Hashable, Sendable {
        case data
        case exists
        case children
        case persistent
        case persistentRecursive
    }

    let id: WatcherID
    let kind: Kind
    /// Server path.
    let path: String

    /// The watch the reply's error code leaves behind, if any.
    func registration(for code: ErrorCode) -> WatchTable.Kind? {
        switch (kind, code) {
        case (.exists, .ok), (.data, .ok): return .data
        case (.exists, .noNode): return .exist
        case (.children, .ok): return .child
        case (.persistent, .ok): return .persistent
        case (.persistentRecursive, .ok): return .persistentRecursive
        default: return nil
        }
    }
}

/// A request on its way: encoded once when submitted, numbered when sent.
struct OutgoingRequest: Sendable {
    var request: Request
    /// The record after the RequestHeader.
    var body: [UInt8]
    /// nil for requests the client makes for itself (removing a watch nobody uses).
    var ticket: Ticket?
    var watch: WatchIntent?
}

/// The xids of requests sent on one connection, oldest first. ZooKeeper answers a
/// connection's requests in the order it sent them, so the next reply must carry the
/// oldest xid; anything else means the stream is corrupt and the connection is dropped
/// (the Java client's "Xid out of order").
struct PendingRequests: Sendable {
    struct Entry: Sendable {
        var xid: Int32
        var outgoing: OutgoingRequest
    }

    enum Match {
        case matched(Entry)
        case unexpected(expected: Int32?)
    }

    private var entries = CircularBuffer<Entry>()

    var count: Int { entries.count }
    var isEmpty: Bool { entries.isEmpty }

    mutating func append(xid: Int32, _ outgoing: OutgoingRequest) {
        entries.append(Entry(xid: xid, outgoing: outgoing))
    }

    /// Takes the oldest entry if `xid` is its xid.
    mutating func match(xid: Int32) -> Match {
        guard let first = entries.first else { return .unexpected(expected: nil) }
        guard first.xid == xid else { return .unexpected(expected: first.xid) }
        return .matched(entries.removeFirst())
    }

    mutating func removeAll() -> [Entry] {
        let all = Array(entries)
        entries.removeAll()
        return all
    }
}

/// xids for numbered requests: positive, increasing, wrapping back to 1 (the negative
/// values are ZooKeeper's special xids).
struct XidCounter: Sendable {
    private var nextXid: Int32 = 1

    mutating func take() -> Int32 {
        let xid = nextXid
        nextXid = nextXid == .max ? 1 : nextXid + 1
        return xid
    }
}
