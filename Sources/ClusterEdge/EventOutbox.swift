import ClusterProtocol
import NIOConcurrencyHelpers

/// One outbound event stream — a scheduler's, an agent's or an operator subscriber's — as
/// RecordIO records waiting for the HTTP response writer. At most `bytesMax` may wait: a
/// client that stops reading is cut off (its stream closed, what waited for it dropped)
/// rather than held in memory; it subscribes again when it reads again.
///
/// The writer takes everything that waits in one piece (`next()`): under load the records
/// queued during one socket write go out in the next, one write and one flush for many
/// records, and an idle stream still sends each record the moment it comes.
public final class EventOutbox: Sendable {
    /// The default bound on unread bytes per stream. One record larger than the bound (an
    /// OFFERS event from a large cluster) still goes out when nothing else waits.
    public static let bytesMaxDefault = 4 << 20

    public let id: StreamID
    public let bytesMax: Int
    private let state = NIOLockedValueBox(State())

    /// A waiting writer and what to wake it with.
    private typealias Handover = (CheckedContinuation<[UInt8]?, Never>, [UInt8]?)

    private struct State {
        /// Records queued and not yet taken by the writer, back to back.
        var pending: [UInt8] = []
        /// Bytes queued or being written.
        var waiting = 0
        var closed = false
        var overflowed = false
        /// The writer, waiting for a record.
        var reader: CheckedContinuation<[UInt8]?, Never>?

        mutating func takeReader() -> CheckedContinuation<[UInt8]?, Never>? {
            defer { reader = nil }
            return reader
        }

        mutating func takePending() -> [UInt8]? {
            defer { pending = [] }
            return pending.isEmpty ? nil : pending
        }
    }

    /// Bytes queued or being written: how far the reader is behind (a queue depth metric).
    public var waitingBytes: Int { state.withLockedValue { $0.waiting } }

    public init(id: StreamID, bytesMax: Int = EventOutbox.bytesMaxDefault) {
        self.id = id
        self.bytesMax = bytesMax
    }

    /// Queues one record (already framed); false if the stream is closed, or closes now
    /// because its reader fell `bytesMax` behind.
    @discardableResult
    public func send(_ record: [UInt8]) -> Bool {
        let (accepted, handOver) = state.withLockedValue { state -> (Bool, Handover?) in
            guard !state.closed else { return (false, nil) }
            guard state.waiting == 0 || state.waiting + record.count <= bytesMax else {
                state.closed = true
                state.overflowed = true
                state.pending = []
                return (false, state.takeReader().map { ($0, nil) })
            }
            state.waiting += record.count
            state.pending += record
            return (true, state.takeReader().map { ($0, state.takePending()) })
        }
        if let (reader, bytes) = handOver { reader.resume(returning: bytes) }
        return accepted
    }

    /// Everything queued since the last call, in one piece; waits while nothing is. Nil once
    /// the stream is closed and what was queued before has been taken, or when the calling
    /// task is cancelled (which closes the stream).
    public func next() async -> [UInt8]? {
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let ready = state.withLockedValue { state -> [UInt8]?? in
                    if !state.pending.isEmpty { return .some(state.takePending()) }
                    if state.closed { return .some(nil) }
                    state.reader = continuation
                    return .none
                }
                if case .some(let bytes) = ready { continuation.resume(returning: bytes) }
            }
        } onCancel: {
            close()
        }
    }

    /// The writer sent `count` bytes to the client.
    public func written(_ count: Int) {
        state.withLockedValue { $0.waiting -= count }
    }

    /// True once the stream was cut off for falling behind.
    public var overflowed: Bool { state.withLockedValue { $0.overflowed } }

    /// No more records: the writer gets what is queued, then nil.
    public func close() {
        let reader = state.withLockedValue { state in
            state.closed = true
            return state.pending.isEmpty ? state.takeReader() : nil
        }
        reader?.resume(returning: nil)
    }
}
