import KeeperProtocol
import NIOCore

/// A persistent watch from `addWatch`: every event at its path (recursive: at its path and
/// below, except NodeChildrenChanged) until it is removed. The sequence ends when
/// `removeWatches` takes the watch away, when the client closes, or when the consumer
/// stops iterating (which removes the watch); it throws SessionExpired when the session
/// expires and `watchEventsOverflow` if the consumer falls too far behind.
public struct WatchStream: AsyncSequence, Sendable {
    public typealias Element = WatchedEvent
    public typealias AsyncIterator = AsyncThrowingStream<WatchedEvent, any Error>.Iterator

    /// The path watched (client path).
    public let path: String
    public let mode: AddWatchMode
    let events: AsyncThrowingStream<WatchedEvent, any Error>

    public func makeAsyncIterator() -> AsyncIterator {
        events.makeAsyncIterator()
    }
}
