import KeeperProtocol

/// Who watches which path, and which events a change delivers to whom (ZooKeeper's two
/// `WatchManager`s, data and child, folded into one table).
///
/// A watcher is a connection: watches die with it, and a client that reconnects sets them
/// again (setWatches). One-shot data and child watches fire once; persistent watches fire
/// on every event at their path; persistent recursive watches fire on every event at their
/// path or below, except NodeChildrenChanged. One change delivers at most one event to a
/// watcher, whatever mix of watches it holds. Departure from ZooKeeper: a one-shot watch
/// set on a path that also has a persistent watch does not turn the persistent one back
/// into a one-shot watch.
///
/// A watcher may hold at most `watchesPerWatcherMax` registrations (ZooKeeper has no such
/// limit). `add` does not check it: a reader asks `admits` first, so that a request over
/// the limit sets none of its watches.
public struct WatchRegistry: Sendable {
    public typealias Watcher = UInt64

    public struct Kinds: OptionSet, Hashable, Sendable {
        public let rawValue: UInt8
        public init(rawValue: UInt8) { self.rawValue = rawValue }
        public static let data = Kinds(rawValue: 1)
        public static let child = Kinds(rawValue: 2)
        public static let persistent = Kinds(rawValue: 4)
        public static let recursive = Kinds(rawValue: 8)
    }

    private var byPath: [String: [Watcher: Kinds]] = [:]
    private var byWatcher: [Watcher: Set<String>] = [:]
    private var countByWatcher: [Watcher: Int] = [:]
    private var recursiveCount = 0
    public let watchesPerWatcherMax: Int

    public init(watchesPerWatcherMax: Int = .max) {
        self.watchesPerWatcherMax = watchesPerWatcherMax
    }

    /// The number of (watcher, path, kind) registrations, as mntr's watch_count.
    public private(set) var count = 0

    public var pathCount: Int { byPath.count }
    public var watcherCount: Int { byWatcher.count }

    public func paths(of watcher: Watcher) -> Set<String> { byWatcher[watcher] ?? [] }

    /// The registrations `watcher` holds, each kind at each path counting one.
    public func count(of watcher: Watcher) -> Int { countByWatcher[watcher] ?? 0 }

    /// Whether `watcher` may add these watches and stay within watchesPerWatcherMax; ones
    /// it already holds cost nothing.
    public func admits(_ watches: [(kinds: Kinds, path: String)], for watcher: Watcher) -> Bool {
        var added: [String: Kinds] = [:]
        for watch in watches { added[watch.path, default: []].formUnion(watch.kinds) }
        let new = added.reduce(0) { sum, entry in
            let held = kinds(of: watcher, at: entry.key)
            return sum + held.union(entry.value).bitCount - held.bitCount
        }
        return new == 0 || count(of: watcher) + new <= watchesPerWatcherMax
    }

    /// Every watched path with its watchers, sorted, for the `wchp` four-letter word.
    public var watchersByPath: [(path: String, watchers: [Watcher])] {
        byPath.map { ($0.key, $0.value.keys.sorted()) }.sorted { $0.path < $1.path }
    }

    /// Every watcher with its paths, sorted, for `wchc`.
    public var pathsByWatcher: [(watcher: Watcher, paths: [String])] {
        byWatcher.map { ($0.key, $0.value.sorted()) }.sorted { $0.watcher < $1.watcher }
    }

    public func kinds(of watcher: Watcher, at path: String) -> Kinds { byPath[path]?[watcher] ?? [] }

    public mutating func add(_ kinds: Kinds, for watcher: Watcher, at path: String) {
        let old = byPath[path]?[watcher] ?? []
        let new = old.union(kinds)
        guard new != old else { return }
        byPath[path, default: [:]][watcher] = new
        byWatcher[watcher, default: []].insert(path)
        count += new.bitCount - old.bitCount
        countByWatcher[watcher, default: 0] += new.bitCount - old.bitCount
        if new.contains(.recursive) && !old.contains(.recursive) { recursiveCount += 1 }
    }

    /// Removes `kinds` of `watcher` at `path`; returns what was there and is now gone.
    @discardableResult
    public mutating func remove(_ kinds: Kinds, for watcher: Watcher, at path: String) -> Kinds {
        guard let old = byPath[path]?[watcher] else { return [] }
        let removed = old.intersection(kinds)
        guard !removed.isEmpty else { return [] }
        let new = old.subtracting(kinds)
        count -= removed.bitCount
        countByWatcher[watcher, default: 0] -= removed.bitCount
        if countByWatcher[watcher] == 0 { countByWatcher[watcher] = nil }
        if removed.contains(.recursive) { recursiveCount -= 1 }
        if new.isEmpty {
            byPath[path]![watcher] = nil
            if byPath[path]!.isEmpty { byPath[path] = nil }
            byWatcher[watcher]?.remove(path)
            if byWatcher[watcher]?.isEmpty == true { byWatcher[watcher] = nil }
        } else {
            byPath[path]![watcher] = new
        }
        return removed
    }

    /// Forgets every watch of a connection that closed.
    public mutating func removeAll(for watcher: Watcher) {
        for path in byWatcher[watcher] ?? [] {
            remove([.data, .child, .persistent, .recursive], for: watcher, at: path)
        }
    }

    /// The watchers an event reaches, in watcher order, with one-shot watches consumed.
    public mutating func trigger(_ type: EventType, at path: String) -> [Watcher] {
        var fired: Set<Watcher> = []
        let oneShot: Kinds
        switch type {
        case .nodeCreated, .nodeDataChanged: oneShot = .data
        case .nodeChildrenChanged: oneShot = .child
        case .nodeDeleted: oneShot = [.data, .child]
        default: return []
        }
        for (watcher, kinds) in byPath[path] ?? [:] {
            if kinds.contains(.persistent) || kinds.contains(.recursive) && type != .nodeChildrenChanged {
                fired.insert(watcher)
            }
            if !kinds.isDisjoint(with: oneShot) {
                fired.insert(watcher)
                remove(oneShot, for: watcher, at: path)
            }
        }
        if recursiveCount > 0 && type != .nodeChildrenChanged {
            var ancestor = PathRules.parent(of: path)
            while let current = ancestor {
                for (watcher, kinds) in byPath[current] ?? [:] where kinds.contains(.recursive) {
                    fired.insert(watcher)
                }
                ancestor = PathRules.parent(of: current)
            }
        }
        return fired.sorted()
    }
}

extension OptionSet where RawValue == UInt8 {
    var bitCount: Int { rawValue.nonzeroBitCount }
}
