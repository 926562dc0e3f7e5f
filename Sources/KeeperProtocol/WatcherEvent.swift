/// What a watch notification says happened (`Watcher.Event.EventType`).
public enum EventType: Int32, Sendable, CaseIterable, CustomStringConvertible {
    case none = -1
    case nodeCreated = 1
    case nodeDeleted = 2
    case nodeDataChanged = 3
    case nodeChildrenChanged = 4
    case dataWatchRemoved = 5
    case childWatchRemoved = 6
    case persistentWatchRemoved = 7

    public var description: String {
        switch self {
        case .none: return "None"
        case .nodeCreated: return "NodeCreated"
        case .nodeDeleted: return "NodeDeleted"
        case .nodeDataChanged: return "NodeDataChanged"
        case .nodeChildrenChanged: return "NodeChildrenChanged"
        case .dataWatchRemoved: return "DataWatchRemoved"
        case .childWatchRemoved: return "ChildWatchRemoved"
        case .persistentWatchRemoved: return "PersistentWatchRemoved"
        }
    }
}

/// The session's state as events report it (`Watcher.Event.KeeperState`).
public enum KeeperState: Int32, Sendable, CaseIterable, CustomStringConvertible {
    case disconnected = 0
    case syncConnected = 3
    case authFailed = 4
    case connectedReadOnly = 5
    case saslAuthenticated = 6
    case expired = -112
    case closed = 7

    public var description: String {
        switch self {
        case .disconnected: return "Disconnected"
        case .syncConnected: return "SyncConnected"
        case .authFailed: return "AuthFailed"
        case .connectedReadOnly: return "ConnectedReadOnly"
        case .saslAuthenticated: return "SaslAuthenticated"
        case .expired: return "Expired"
        case .closed: return "Closed"
        }
    }
}

/// The body of a notification (xid -1).
public struct WatcherEvent: Hashable, Sendable, JuteRecord {
    public var type: Int32
    public var state: Int32
    public var path: String

    public init(type: EventType, state: KeeperState = .syncConnected, path: String) {
        self.type = type.rawValue
        self.state = state.rawValue
        self.path = path
    }

    public var eventType: EventType? { EventType(rawValue: type) }
    public var keeperState: KeeperState? { KeeperState(rawValue: state) }

    public init(from reader: inout JuteReader) throws(JuteError) {
        type = try reader.readInt32("WatcherEvent.type")
        state = try reader.readInt32("WatcherEvent.state")
        path = try reader.readString("WatcherEvent.path")
    }

    public func write(to writer: inout JuteWriter) {
        writer.write(type)
        writer.write(state)
        writer.write(path)
    }
}

/// The mode of addWatch (`AddWatchMode`).
public enum AddWatchMode: Int32, Sendable, CaseIterable {
    case persistent = 0
    case persistentRecursive = 1
}

/// Which watches removeWatches and checkWatches address (`Watcher.WatcherType`).
public enum WatcherType: Int32, Sendable, CaseIterable {
    case children = 1
    case data = 2
    case any = 3
    case persistent = 4
    case persistentRecursive = 5
}
