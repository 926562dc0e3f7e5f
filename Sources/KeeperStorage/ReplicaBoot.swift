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
        let epochs =
            ensemble
            ? try EpochFiles.read(fileSystem: fileSystem, directory: snapshotDirectory) : (accepted: 0, current: 0)
        return ReplicaBoot(
            state: state, log: pending.map { ZabEntry(zxid: $0.zxid, payload: $0.payload) },
            acceptedEpoch: epochs.accepted, currentEpoch: epochs.current, report: report)
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
