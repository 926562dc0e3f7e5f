import KeeperCore
import KeeperProtocol
import Zab

/// A connection as the shell numbers it; the node never sees sockets.
public typealias ConnectionID = UInt64

/// The two clocks a node reads, passed in with every event: wall time stamps transactions
/// (ctime, mtime, TTL), monotonic time drives session expiry and latency.
public struct NodeTime: Hashable, Sendable {
    public var wall: Int64
    public var monotonic: Int64

    public init(wall: Int64, monotonic: Int64) {
        self.wall = wall
        self.monotonic = monotonic
    }
}

/// What happens to a node: facts reported by its shell.
public enum NodeEvent: Sendable {
    /// A client connected from `address` (its IPv4 text, for the ip ACL scheme); over
    /// TLS, with the subject of the certificate it presented (the x509 scheme's identity).
    case connected(ConnectionID, address: String, certificateSubject: String? = nil)
    /// The connection's first frame.
    case handshake(ConnectionID, ConnectRequest)
    case received(ConnectionID, xid: Int32, Request)
    case disconnected(ConnectionID)
    /// The connection's buffered output is under its low water mark: what was sent to it
    /// has mostly left the server, and it may be sent another clientOutputBytesMax.
    case writable(ConnectionID)
    /// Time passed; expire sessions, reap containers.
    case tick
    /// Every transaction up to this zxid is on stable storage.
    case persisted(upTo: Int64)
    /// The `truncateLog` asked for is on stable storage.
    case truncated(after: Int64)
    /// The `installSnapshot` asked for is on stable storage.
    case snapshotInstalled(zxid: Int64)
    /// The log's queue for its next sync went over its bound (true), or was taken by the
    /// log thread (false): connections with requests outstanding are not read meanwhile.
    case logQueue(full: Bool)
    /// The channel to another server of the ensemble is up, or went down.
    case peerConnected(PeerID)
    case peerDisconnected(PeerID)
    case peerMessage(from: PeerID, ZabMessage)
}

/// What a node asks its shell to do, in order.
public enum NodeAction: Sendable, Equatable {
    /// Write a framed packet to the connection.
    case send(ConnectionID, [UInt8])
    /// Flush what was sent, then close the connection.
    case close(ConnectionID)
    /// Stop reading from a connection (its queue is full, its client is not taking its
    /// replies, or the server or its disk is behind); resume when that is over. While a connection is paused the shell reports
    /// `.writable` whenever its buffered output is under the low water mark.
    case pauseReading(ConnectionID)
    case resumeReading(ConnectionID)
    /// Append to the transaction log and report `.persisted` once it is synced. Replies
    /// to these transactions leave only after that.
    case persist([ZabEntry])
    /// Something an operator wants in the log.
    case notice(Notice)
    /// Send to another server of the ensemble.
    case sendPeer(PeerID, ZabMessage)
    /// Close the channel to another server; it is made again as after any loss.
    case disconnectPeer(PeerID)
    /// Durably, before the actions after it: the ZAB epochs.
    case saveEpochs(accepted: Int64, current: Int64)
    /// Cut the log after this zxid, in order with `persist`; report `.truncated` once durable.
    case truncateLog(after: Int64)
    /// The leader's state replaced ours: cut the log after `zxid` and write the state as a
    /// snapshot (SnapshotCodec bytes) at `zxid`, in order with `persist`; report
    /// `.snapshotInstalled` once both are durable.
    case installSnapshot([UInt8], zxid: Int64)
    /// The server's role in the ensemble changed.
    case role(ZabRole)
}

public struct Notice: Hashable, Sendable, CustomStringConvertible {
    public enum Level: Sendable { case info, warning }
    public var level: Level
    public var message: String

    public static func info(_ message: String) -> Notice { Notice(level: .info, message: message) }
    public static func warning(_ message: String) -> Notice { Notice(level: .warning, message: message) }

    public var description: String { message }
}
