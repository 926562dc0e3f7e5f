import ClusterProtocol
import Synchronization

/// One outbound event stream — a scheduler's, an agent's or an operator subscriber's — as
/// RecordIO records waiting for the HTTP response writer. At most `bytesMax` may wait: a
/// client that stops reading is cut off (its stream closed) rather than held in memory;
/// it subscribes again when it reads again.
public final class EventOutbox: Sendable {
    /// The default bound on unread bytes per stream. One record larger than the bound (an
    /// OFFERS event from a large cluster) still goes out when nothing else waits.
    public static let bytesMaxDefault = 4 << 20

    public let id: StreamID
    public let bytesMax: Int
    public let records: AsyncStream<[UInt8]>
    private let continuation: AsyncStream<[UInt8]>.Continuation
    private let state = Mutex(State())

    private struct State {
        var waiting = 0
        var closed = false
        var overflowed = false
    }

    public init(id: StreamID, bytesMax: Int = EventOutbox.bytesMaxDefault) {
        self.id = id
        self.bytesMax = bytesMax
        (records, continuation) = AsyncStream.makeStream(of: [UInt8].self)
    }

    /// Queues one record (already framed); false if the stream is closed, or closes now
    /// because its reader fell `bytesMax` behind.
    @discardableResult
    public func send(_ record: [UInt8]) -> Bool {
        let accepted = state.withLock { state -> Bool in
            guard !state.closed else { return false }
            guard state.waiting == 0 || state.waiting + record.count <= bytesMax else {
                state.closed = true
                state.overflowed = true
                return false
            }
            state.waiting += record.count
            return true
        }
        if accepted { continuation.yield(record) } else { continuation.finish() }
        return accepted
    }

    /// The writer sent `count` bytes to the client.
    public func written(_ count: Int) {
        state.withLock { $0.waiting -= count }
    }

    /// True once the stream was cut off for falling behind.
    public var overflowed: Bool { state.withLock { $0.overflowed } }

    public func close() {
        state.withLock { $0.closed = true }
        continuation.finish()
    }
}
