import KeeperCore
import Zab

/// What the log stores: a zxid and the bytes of its transaction.
public protocol LogRecord {
    var zxid: Int64 { get }
    var payload: [UInt8] { get }
}

extension TxnEntry: LogRecord {
    /// The header and body, as the log stores them.
    public var payload: [UInt8] { bytes() }
}

/// A replicated entry is logged as it travels: its zxid and its transaction's bytes.
extension ZabEntry: LogRecord {}

/// Appends transactions to log segments. A segment starts with a header and grows by
/// preallocated steps, so that most appends do not change the file's size and fdatasync
/// has only data to flush. A new segment starts after every `roll()` and on every start of
/// the server; recovery reads them all in zxid order.
public final class LogWriter {
    private let fileSystem: any FileSystem
    private let directory: String
    private let preallocationStep: Int
    private let forceSync: Bool
    private var file: (any StorageFile)?
    private var offset = 0
    private var allocated = 0
    public private(set) var lastZxid: Int64
    /// Appends since the last roll, for deciding when to snapshot.
    public private(set) var appendsSinceRoll = 0

    public init(
        fileSystem: any FileSystem, directory: String, preallocationStep: Int = 64 << 20, forceSync: Bool = true,
        lastZxid: Int64
    ) {
        self.fileSystem = fileSystem
        self.directory = directory
        self.preallocationStep = max(preallocationStep, 4096)
        self.forceSync = forceSync
        self.lastZxid = lastZxid
    }

    /// Writes `records` after the last one; durable after `sync()`.
    public func append<R: LogRecord>(_ records: [R]) throws {
        guard let first = records.first else { return }
        if file == nil { try openSegment(startZxid: first.zxid) }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(records.count * 128)
        for record in records {
            precondition(record.zxid > lastZxid, "append of zxid \(record.zxid) after \(lastZxid)")
            StorageFormat.appendRecord(zxid: record.zxid, payload: record.payload, to: &bytes)
            lastZxid = record.zxid
        }
        try reserve(bytes.count)
        try file!.write(bytes, at: offset)
        offset += bytes.count
        appendsSinceRoll += records.count
    }

    /// Flushes what was appended to stable storage (unless forceSync is off).
    public func sync() throws {
        guard forceSync, let file else { return }
        try file.sync()
    }

    /// Ends the current segment, synced (appends made before a truncation must be as
    /// durable as the truncation is); the next append starts a new one.
    public func roll() throws {
        try sync()
        try file?.close()
        file = nil
        appendsSinceRoll = 0
    }

    public func close() throws { try roll() }

    /// Cuts the log after `zxid` (records of a leader that did not win): closes the current
    /// segment, removes later segments, cuts the one holding `zxid`. Durable on return.
    public func truncate(after zxid: Int64) throws {
        try roll()
        try LogTruncation.truncate(fileSystem: fileSystem, directory: directory, after: zxid)
        lastZxid = zxid
    }

    private func openSegment(startZxid: Int64) throws {
        let path = directory + "/" + StorageFormat.logName(startZxid: startZxid)
        let file = try fileSystem.open(path, create: true)
        try file.truncate(to: 0)
        try file.allocate(to: preallocationStep)
        try file.write(StorageFormat.logHeader(startZxid: startZxid), at: 0)
        try fileSystem.syncDirectory(directory)
        self.file = file
        offset = StorageFormat.logHeaderSize
        allocated = preallocationStep
    }

    private func reserve(_ count: Int) throws {
        guard offset + count > allocated else { return }
        let needed = offset + count
        allocated = (needed / preallocationStep + 1) * preallocationStep
        try file!.allocate(to: allocated)
    }
}
