import KeeperProtocol

/// Identifies one local watcher: a one-shot `Watch` or a persistent `WatchStream`.
struct WatcherID: Hashable, Comparable, Sendable {
    let rawValue: UInt64
    static func < (a: WatcherID, b: WatcherID) -> Bool { a.rawValue < b.rawValue }
}

/// The client's side of ZooKeeper watches, keyed by server path.
///
/// The server keeps one watch per (connection, path, kind) and forgets them all when the
/// connection goes; the client keeps every local watcher here, decides which of them an
/// event reaches (the rules of the Java client's `ZKWatchManager.materialize`), and
/// rebuilds the server's view after a reconnect with SetWatches.
struct WatchTable: Sendable {
    enum Kind: Hashable, Sendable, CaseIterable {
        /// Set by getData, or by exists on an existing node; one-shot.
        case data
        /// Set by exists on a missing node; one-shot.
        case exist
        /// Set by getChildren; one-shot.
        case child
        /// addWatch PERSISTENT: every event at the path, until removed.
        case persistent
        /// addWatch PERSISTENT_RECURSIVE: every event but NodeChildrenChanged at the path
        /// and below, until removed.
        case persistentRecursive

        var isOneShot: Bool { self == .data || self == .exist || self == .child }
    }

    private var watchers: [Kind: [String: Set<WatcherID>]] = [:]
    private var registrations: [WatcherID: (kind: Kind, path: String)] = [:]

    var count: Int { registrations.count }
    var isEmpty: Bool { registrations.isEmpty }

    mutating func add(_ id: WatcherID, _ kind: Kind, path: String) {
        precondition(registrations[id] == nil, "watcher \(id.rawValue) registered twice")
        registrations[id] = (kind, path)
        watchers[kind, default: [:]][path, default: []].insert(id)
    }

    /// Forgets one watcher; returns where it was.
    @discardableResult
    mutating func remove(_ id: WatcherID) -> (kind: Kind, path: String)? {
        guard let registration = registrations.removeValue(forKey: id) else { return nil }
        watchers[registration.kind]?[registration.path]?.remove(id)
        if watchers[registration.kind]?[registration.path]?.isEmpty == true {
            watchers[registration.kind]?[registration.path] = nil
        }
        return registration
    }

    func contains(_ id: WatcherID) -> Bool { registrations[id] != nil }

    func hasWatchers(at path: String, _ kinds: [Kind] = Kind.allCases) -> Bool {
        kinds.contains { watchers[$0]?[path]?.isEmpty == false }
    }

    /// The watchers an event reaches, in registration order; one-shot watchers are
    /// removed, persistent ones stay.
    mutating func trigger(_ type: EventType, path: String) -> [WatcherID] {
        var hit: Set<WatcherID> = []
        switch type {
        case .nodeCreated, .nodeDataChanged:
            hit.formUnion(take(.data, path))
            hit.formUnion(take(.exist, path))
            hit.formUnion(persistentWatchers(path, recursiveToo: true))
        case .nodeChildrenChanged:
            hit.formUnion(take(.child, path))
            hit.formUnion(persistentWatchers(path, recursiveToo: false))
        case .nodeDeleted:
            hit.formUnion(take(.data, path))
            hit.formUnion(take(.exist, path))
            hit.formUnion(take(.child, path))
            hit.formUnion(persistentWatchers(path, recursiveToo: true))
        default:
            break
        }
        return hit.sorted()
    }

    private mutating func take(_ kind: Kind, _ path: String) -> Set<WatcherID> {
        guard let ids = watchers[kind]?.removeValue(forKey: path) else { return [] }
        for id in ids { registrations[id] = nil }
        return ids
    }

    private func persistentWatchers(_ path: String, recursiveToo: Bool) -> Set<WatcherID> {
        var ids = watchers[.persistent]?[path] ?? []
        guard recursiveToo, let recursive = watchers[.persistentRecursive], !recursive.isEmpty else { return ids }
        var current: String? = path
        while let p = current {
            ids.formUnion(recursive[p] ?? [])
            current = PathRules.parent(of: p)
        }
        return ids
    }

    /// The kinds a removeWatches/checkWatches `type` addresses: Children is the child
    /// half, Data the data and exist watches, Any everything, persistent watches included
    /// (they live in both of the server's watch managers).
    static func kinds(for type: WatcherType) -> [Kind] {
        switch type {
        case .children: return [.child]
        case .data: return [.data, .exist]
        case .any: return Kind.allCases
        case .persistent: return [.persistent]
        case .persistentRecursive: return [.persistentRecursive]
        }
    }

    /// Removes every watcher of `type` at `path`, returning them with their kinds.
    mutating func removeAll(at path: String, _ type: WatcherType) -> [(id: WatcherID, kind: Kind)] {
        var removed: [(id: WatcherID, kind: Kind)] = []
        for kind in Self.kinds(for: type) {
            for id in take(kind, path).sorted() { removed.append((id, kind)) }
        }
        return removed
    }

    /// Forgets everything (the session ended).
    mutating func removeEverything() -> [WatcherID] {
        let ids = registrations.keys.sorted()
        watchers = [:]
        registrations = [:]
        return ids
    }

    /// SetWatches packets that re-register every watch after a reconnect. `relativeZxid`
    /// is the last zxid the client saw, so the server fires at once whatever the client
    /// missed. Like the Java client, the lists are cut into packets of at most about
    /// `batchBytesMax` path bytes, and SetWatches2 is used only when persistent watches
    /// exist (servers before 3.6 do not know it).
    func setWatches(relativeZxid: Int64, batchBytesMax: Int) -> [SetWatches] {
        let hasPersistent = hasAny(.persistent) || hasAny(.persistentRecursive)
        var batches: [SetWatches] = []
        var current = SetWatches(relativeZxid: relativeZxid, isVersion2: hasPersistent)
        var bytes = 0
        for kind in Kind.allCases {
            for path in (watchers[kind] ?? [:]).filter({ !$0.value.isEmpty }).keys.sorted() {
                let size = path.utf8.count + 4
                if bytes > 0 && bytes + size > batchBytesMax {
                    batches.append(current)
                    current = SetWatches(relativeZxid: relativeZxid, isVersion2: hasPersistent)
                    bytes = 0
                }
                Self.append(path, kind, to: &current)
                bytes += size
            }
        }
        if !current.isEmpty { batches.append(current) }
        return batches
    }

    private func hasAny(_ kind: Kind) -> Bool { watchers[kind]?.values.contains { !$0.isEmpty } == true }

    private static func append(_ path: String, _ kind: Kind, to watches: inout SetWatches) {
        switch kind {
        case .data: watches.dataWatches.append(path)
        case .exist: watches.existWatches.append(path)
        case .child: watches.childWatches.append(path)
        case .persistent: watches.persistentWatches.append(path)
        case .persistentRecursive: watches.persistentRecursiveWatches.append(path)
        }
    }
}
