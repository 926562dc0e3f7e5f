/// Deletes what recovery no longer needs: snapshots older than the newest `retain`, and log
/// segments that end before the oldest snapshot kept. The segment being written, and any
/// segment holding transactions after a kept snapshot, are never touched.
public enum Purge {
    /// ZooKeeper will not keep fewer than three snapshots.
    public static let retainMin = 3

    /// Returns the paths it removed.
    @discardableResult
    public static func run(fileSystem: any FileSystem, snapshotDirectory: String, logDirectory: String, retain: Int)
        throws -> [String]
    {
        let keep = max(retain, retainMin)
        let snapshots = try Recovery.files(.snapshot, in: snapshotDirectory, fileSystem).sorted { $0.zxid > $1.zxid }
        guard snapshots.count > keep else { return [] }
        let oldestKept = snapshots[keep - 1].zxid
        var removed: [String] = []
        for snapshot in snapshots[keep...] {
            try fileSystem.remove(snapshot.path)
            removed.append(snapshot.path)
        }
        let segments = try Recovery.files(.log, in: logDirectory, fileSystem).sorted { $0.zxid < $1.zxid }
        // Segment i ends where segment i+1 starts; it is needed if it may hold oldestKept + 1.
        for (index, segment) in segments.enumerated() where index + 1 < segments.count {
            guard segments[index + 1].zxid <= oldestKept + 1 else { break }
            try fileSystem.remove(segment.path)
            removed.append(segment.path)
        }
        if !removed.isEmpty {
            try fileSystem.syncDirectory(snapshotDirectory)
            if logDirectory != snapshotDirectory { try fileSystem.syncDirectory(logDirectory) }
        }
        return removed
    }
}
