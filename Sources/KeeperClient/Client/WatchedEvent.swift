import KeeperProtocol

/// A change a watch reports: what happened to which znode (paths are relative to the
/// client's chroot). Node events always come with state SyncConnected; the removal
/// types (`dataWatchRemoved`, `childWatchRemoved`) are made by the client when
/// `removeWatches` takes a one-shot watch away, as in ZooKeeper's Java client.
public struct WatchedEvent: Hashable, Sendable, CustomStringConvertible {
    public var type: EventType
    public var state: KeeperState
    public var path: String

    public init(type: EventType, state: KeeperState = .syncConnected, path: String) {
        self.type = type
        self.state = state
        self.path = path
    }

    /// zkCli's rendering: `WatchedEvent state:SyncConnected type:NodeDataChanged path:/a`.
    public var description: String { "WatchedEvent state:\(state) type:\(type) path:\(path)" }
}
