import Zab

/// What the log thread is asked to do, in order: appends (synced together), the cut of a
/// log a new leader does not share, and a leader's state replacing ours.
public enum LogOperation: Sendable {
    case append([ZabEntry])
    case truncate(after: Int64)
    /// The leader's state replaces ours: the log is cut after `zxid`, the state written as
    /// a snapshot at `zxid`.
    case installSnapshot([UInt8], zxid: Int64)
}

/// What the log thread reports durable, in the order it was asked.
public enum LogCompletion: Equatable, Sendable {
    case appended(upTo: Int64)
    case truncated(after: Int64)
    case snapshotInstalled(zxid: Int64)
}

/// One batch of the log thread (group commit), as the server and the simulator both carry
/// it out: every operation in order, one sync at the end for the appends (a truncation
/// syncs what was appended before it), then everything is durable.
public enum LogBatch {
    public static func write(
        _ batch: [LogOperation], to writer: LogWriter, fileSystem: any FileSystem, snapshotDirectory: String
    ) throws -> (appended: Int, done: [LogCompletion]) {
        var appended = 0
        var done: [LogCompletion] = []
        for operation in batch {
            switch operation {
            case .append(let entries):
                guard let last = entries.last?.zxid else { continue }
                try writer.append(entries)
                appended += entries.count
                if case .appended = done.last { done.removeLast() }
                done.append(.appended(upTo: last))
            case .truncate(let zxid):
                try writer.truncate(after: zxid)
                done.append(.truncated(after: zxid))
            case .installSnapshot(let bytes, let zxid):
                // The log's old tail goes first: a crash between the two leaves the old state
                // and a shorter log, never the new state with entries it does not hold.
                try writer.truncate(after: zxid)
                try SnapshotFile.write(
                    body: bytes, zxid: zxid, source: .received, fileSystem: fileSystem, directory: snapshotDirectory)
                done.append(.snapshotInstalled(zxid: zxid))
            }
        }
        if appended > 0 { try writer.sync() }
        return (appended, done)
    }
}
