import KeeperCore
import Zab

/// What a server starts from, read from its disk the one way the server and the simulator
/// both use: the newest snapshot that checks out, and — for an ensemble member — the logged
/// entries after it as accepted history for ZAB to settle (standalone, they are applied),
/// and its epochs.
public struct ReplicaBoot: Sendable {
    public var state: SnapshotContents
    /// Accepted entries after the snapshot, not known to be committed (ensemble only).
    public var log: [ZabEntry]
    public var acceptedEpoch: Int64
    public var currentEpoch: Int64
    public var report: RecoveryReport

    public static func read(
        fileSystem: any FileSystem, snapshotDirectory: String, logDirectory: String, ensemble: Bool
    ) throws -> ReplicaBoot {
        let (state, pending, report) = try Recovery.recover(
            fileSystem: fileSystem, snapshotDirectory: snapshotDirectory, logDirectory: logDirectory,
            applyLog: !ensemble)
        try syncLog(fileSystem: fileSystem, directory: logDirectory)
        let epochs =
            ensemble
            ? try EpochFiles.read(fileSystem: fileSystem, directory: snapshotDirectory) : (accepted: 0, current: 0)
        return ReplicaBoot(
            state: state, log: pending.map { ZabEntry(zxid: $0.zxid, payload: $0.payload) },
            acceptedEpoch: epochs.accepted, currentEpoch: epochs.current, report: report)
    }

    /// What recovery read may still be only in the page cache (a process killed before its
    /// sync, the machine still up): synced now, before anything is acknowledged or voted on
    /// the strength of it. A power loss later would otherwise take back what this server
    /// already told the ensemble it holds.
    private static func syncLog(fileSystem: any FileSystem, directory: String) throws {
        for segment in try Recovery.files(.log, in: directory, fileSystem) {
            let file = try fileSystem.open(segment.path, create: false)
            try file.sync()
            try file.close()
        }
        try fileSystem.syncDirectory(directory)
    }

    /// A server without a dataDir starts from nothing.
    public static var empty: ReplicaBoot {
        ReplicaBoot(
            state: SnapshotContents(tree: DataTree(), sessions: [:]), log: [], acceptedEpoch: 0, currentEpoch: 0,
            report: RecoveryReport())
    }

    /// The last zxid on disk: the log's end, or the snapshot's.
    public var lastZxid: Int64 { log.last?.zxid ?? state.zxid }
}
