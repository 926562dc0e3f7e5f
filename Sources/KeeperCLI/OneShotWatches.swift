import KeeperClient
import KeeperProtocol

/// `watch PATH` without -R: a data watch and a child watch at PATH, each set again after it
/// fires. A watch that has not fired stays set: abandoning it and setting it again would
/// lose an event that arrives in between, since the server still has it and fires it once.
struct OneShotWatches {
    private enum Kind: Hashable {
        case data
        case children
    }

    let client: KeeperClient
    let path: String

    /// Reports each event until cancelled. A deletion fires both watches with one event,
    /// which is reported once, as zkCli's single watcher does.
    func run(report: (WatchedEvent) -> Void) async throws {
        try await withThrowingTaskGroup(of: (Kind, WatchedEvent?).self) { group in
            var armed: Set<Kind> = []
            var deletionSeen: Set<Kind> = []
            try await arm(&armed, in: &group)
            while let (kind, event) = try await group.next() {
                guard let event else { return }
                armed.remove(kind)
                if deletionSeen.remove(kind) == nil || event.type != .nodeDeleted {
                    report(event)
                    if event.type == .nodeDeleted { deletionSeen = armed }
                }
                try await arm(&armed, in: &group)
            }
        }
    }

    /// Sets the watches that are not set: the data watch always (it also sees a creation),
    /// the child watch when the node exists.
    private func arm(_ armed: inout Set<Kind>, in group: inout ThrowingTaskGroup<(Kind, WatchedEvent?), any Error>)
        async throws
    {
        var exists = true
        if !armed.contains(.data) {
            let (stat, watch) = try await client.existsAndWatch(path)
            exists = stat != nil
            group.addTask { (.data, try await Self.event(of: watch)) }
            armed.insert(.data)
        }
        if exists, !armed.contains(.children), let children = try? await client.getChildrenAndWatch(path) {
            group.addTask { (.children, try await Self.event(of: children.watch)) }
            armed.insert(.children)
        }
    }

    /// The watch's event; nil when the waiting task is cancelled.
    private static func event(of watch: Watch) async throws -> WatchedEvent? {
        do {
            return try await watch.event()
        } catch is CancellationError {
            return nil
        }
    }
}
