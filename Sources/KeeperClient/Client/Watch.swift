import KeeperProtocol
import NIOCore

/// A one-shot watch set by `existsAndWatch`, `getDataAndWatch` or `getChildrenAndWatch`:
/// it reports the next change at its path once, then it is gone. It survives reconnects
/// (the client re-registers it, and the server fires at once what the client missed);
/// it fails with SessionExpired when the session expires and with `.closed` on close.
public struct Watch: Sendable {
    /// The path watched (client path).
    public let path: String
    let id: WatcherID
    let future: EventLoopFuture<WatchedEvent>
    let driver: NIOLoopBoundBox<SessionDriver>

    /// Waits for the watch's event. Cancelling the waiting task abandons the watch.
    public func event() async throws -> WatchedEvent {
        let (id, driver, future) = (id, driver, future)
        return try await KeeperClient.naming(path) {
            try await withTaskCancellationHandler {
                try await future.get()
            } onCancel: {
                driver.eventLoop.execute { driver.value.cancelWatcher(id) }
            }
        }
    }
}
