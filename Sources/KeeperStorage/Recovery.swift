import KeeperCore
import KeeperProtocol

/// A reason recovery cannot go on without an operator: damage before the tail of the log,
/// a gap in it, or no snapshot to start from.
public struct RecoveryError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// What recovery found and did, for the startup log line.
public struct RecoveryReport: Sendable {
    public var snapshot: String?
    public var snapshotZxid: Int64 = 0
    public var replayed = 0
    public var lastZxid: Int64 = 0
    /// Log lines about files skipped, cut or removed.
    public var notes: [String] = []
}

/// Rebuilds the state from disk: the newest snapshot that checks out, then every logged
/// transaction after it, in zxid order. A torn record at the very end of the log (a crash
/// in the middle of a write) is cut off and reported; anything else that does not check
/// out stops startup with the file and offset, because going on would lose transactions a
/// client was told were safe.
public enum Recovery {
    /// A logged record recovery read but, for a replica, did not apply: whether it was
    /// committed is for the ensemble's leader to say.
    public struct PendingRecord: LogRecord, Sendable {
        public var zxid: Int64
        public var payload: [UInt8]
    }

    /// Standalone: every logged transaction was committed when it was logged, so all of them
    /// are applied.
    public static func recover(
        fileSystem: any FileSystem, snapshotDirectory: String, logDirectory: String
    ) throws -> (SnapshotContents, RecoveryReport) {
        let (state, _, report) = try recover(
            fileSystem: fileSystem, snapshotDirectory: snapshotDirectory, logDirectory: logDirectory, applyLog: true)
        return (state, report)
    }

    /// With `applyLog` false (an ensemble member), the snapshot is the state and the
    /// records after it come back unapplied, checked and in order.
    public static func recover(
        fileSystem: any FileSystem, snapshotDirectory: String, logDirectory: String, applyLog: Bool
    ) throws -> (SnapshotContents, [PendingRecord], RecoveryReport) {
        try fileSystem.makeDirectory(snapshotDirectory)
        try fileSystem.makeDirectory(logDirectory)
        var report = RecoveryReport()
        try removePartialSnapshots(fileSystem, snapshotDirectory, &report)
        let segments = try files(.log, in: logDirectory, fileSystem).sorted { $0.zxid < $1.zxid }
        var state = try newestSnapshot(fileSystem, snapshotDirectory, firstLogZxid: segments.first?.zxid, &report)
        var replay = Replay(state: state, applyLog: applyLog)
        for (index, segment) in segments.enumerated() {
            // A segment whose successor starts at or before the snapshot holds nothing new.
            if index + 1 < segments.count && segments[index + 1].zxid <= state.zxid + 1 { continue }
            try self.replay(segment.path, isLast: index == segments.count - 1, into: &replay, fileSystem, &report)
        }
        state = replay.state
        report.lastZxid = replay.lastZxid
        return (state, replay.pending, report)
    }

    /// Where replay stands: the state, and (for a replica) the records it holds back.
    struct Replay {
        var state: SnapshotContents
        var applyLog: Bool
        var pending: [PendingRecord] = []
        var lastZxid: Int64

        init(state: SnapshotContents, applyLog: Bool) {
            self.state = state
            self.applyLog = applyLog
            self.lastZxid = state.zxid
        }
    }

    struct Listed {
        var path: String
        var zxid: Int64
    }

    static func files(_ kind: StorageFormat.FileKind, in directory: String, _ fileSystem: any FileSystem) throws
        -> [Listed]
    {
        try fileSystem.list(directory).compactMap { name in
            guard let (found, zxid) = StorageFormat.parse(name), found == kind else { return nil }
            return Listed(path: directory + "/" + name, zxid: zxid)
        }
    }

    private static func removePartialSnapshots(
        _ fileSystem: any FileSystem, _ directory: String, _ report: inout RecoveryReport
    ) throws {
        for partial in try files(.partialSnapshot, in: directory, fileSystem) {
            try fileSystem.remove(partial.path)
            report.notes.append("removed \(partial.path), a snapshot whose writing was interrupted")
        }
    }

    /// The newest snapshot that checks out; an empty tree if there is none and the log
    /// starts at the beginning.
    private static func newestSnapshot(
        _ fileSystem: any FileSystem, _ directory: String, firstLogZxid: Int64?, _ report: inout RecoveryReport
    ) throws -> SnapshotContents {
        for snapshot in try files(.snapshot, in: directory, fileSystem).sorted(by: { $0.zxid > $1.zxid }) {
            do {
                let contents = try SnapshotFile.read(fileSystem: fileSystem, path: snapshot.path)
                report.snapshot = snapshot.path
                report.snapshotZxid = contents.zxid
                return contents
            } catch {
                report.notes.append("skipped \(error); trying an older one")
            }
        }
        // The first transaction of an ensemble is counter 1 of whichever epoch first
        // committed anything; standalone, zxid 1.
        if let first = firstLogZxid, first & 0xFFFF_FFFF != 1 {
            throw RecoveryError(
                "no snapshot in \(directory) checks out and the log starts at zxid 0x\(StorageFormat.hex16(first)), "
                    + "not at the beginning: transactions before it are lost. Restore a snapshot from a backup or a replica."
            )
        }
        return SnapshotContents(tree: DataTree(), sessions: [:])
    }

    private static func replay(
        _ path: String, isLast: Bool, into replay: inout Replay, _ fileSystem: any FileSystem,
        _ report: inout RecoveryReport
    ) throws {
        let segment: LogSegmentReader
        do {
            segment = try LogSegmentReader(fileSystem: fileSystem, path: path)
        } catch let error as LogSegmentReader.HeaderError where isLast {
            // A crash right after creating the segment: nothing was acknowledged from it.
            try fileSystem.remove(path)
            report.notes.append("removed \(path): \(error.reason), written by a crash before any record")
            return
        }
        for record in segment.records where record.zxid > replay.lastZxid {
            try checkContiguous(record.zxid, after: replay.lastZxid, path: path, offset: record.offset)
            if replay.applyLog {
                try apply(record, from: path, to: &replay.state)
            } else {
                _ = try decode(record, from: path)
                replay.pending.append(PendingRecord(zxid: record.zxid, payload: record.payload))
            }
            replay.lastZxid = record.zxid
            report.replayed += 1
        }
        guard let stop = segment.stop else { return }
        guard isLast && !stop.validRecordFollows else {
            throw RecoveryError(
                "\(path) is damaged at offset \(stop.offset): \(stop.reason). "
                    + (stop.validRecordFollows
                        ? "Valid records follow, so this is not a torn write. " : "Later segments exist. ")
                    + "Keeper will not start over lost transactions: restore the file from a replica or a backup.")
        }
        let file = try fileSystem.open(path, create: false)
        try file.truncate(to: segment.validEnd)
        try file.sync()
        try file.close()
        report.notes.append(
            "cut \(stop.bytesAfter) bytes of torn tail at offset \(stop.offset) of \(path) (\(stop.reason)); "
                + "the crash hit in the middle of a write that was never acknowledged")
    }

    /// zxids go up by one within an epoch; a new epoch starts at counter 1.
    static func checkContiguous(_ zxid: Int64, after last: Int64, path: String, offset: Int) throws {
        let sameEpochNext = zxid == last + 1
        let newEpochStart = zxid >> 32 > last >> 32 && zxid & 0xFFFF_FFFF == 1
        guard sameEpochNext || newEpochStart else {
            throw RecoveryError(
                "\(path) at offset \(offset): zxid 0x\(StorageFormat.hex16(zxid)) follows 0x\(StorageFormat.hex16(last)); "
                    + "the transactions between are missing. Restore the missing log segment from a backup or a replica."
            )
        }
    }

    static func decode(_ record: LogSegmentReader.Record, from path: String) throws -> TxnEntry {
        do {
            return try TxnEntry.decode(record.payload)
        } catch {
            throw RecoveryError(
                "\(path) at offset \(record.offset): the record of zxid 0x\(StorageFormat.hex16(record.zxid)) does not decode: \(error)"
            )
        }
    }

    static func apply(_ record: LogSegmentReader.Record, from path: String, to state: inout SnapshotContents) throws {
        let entry = try decode(record, from: path)
        _ = state.tree.apply(entry)
        switch entry.txn {
        case .createSession(let timeout): state.sessions[entry.header.session] = timeout
        case .closeSession: state.sessions[entry.header.session] = nil
        default: break
        }
    }
}
