import KeeperCore

/// Offline inspection of a data directory: `corral storage show`, `log` and `verify`.
/// It only reads; a torn tail is reported, not cut.
public struct StorageInspector {
    public let fileSystem: any FileSystem
    public let directory: String

    public init(fileSystem: any FileSystem = PosixFileSystem(), directory: String) {
        self.fileSystem = fileSystem
        self.directory = directory
    }

    /// What one file holds and whether it checks out.
    public struct FileReport: Sendable {
        public enum Health: Sendable, Equatable {
            case ok
            /// A cut-short last write; recovery cuts it at startup.
            case tornTail(offset: Int, reason: String)
            case damaged(String)
        }
        public var name: String
        public var kind: StorageFormat.FileKind
        public var firstZxid: Int64?
        public var lastZxid: Int64?
        public var records: Int
        public var bytes: Int
        public var health: Health

        public var line: String {
            let range =
                firstZxid.map { first in "0x\(StorageFormat.hex16(first))...0x\(StorageFormat.hex16(lastZxid ?? first))"
                } ?? "empty"
            let what = kind == .log ? "\(records) transactions" : kind == .snapshot ? "snapshot" : "partial snapshot"
            let status: String
            switch health {
            case .ok: status = "checksums ok"
            case .tornTail(let offset, let reason):
                status = "torn tail at offset \(offset) (\(reason)); cut at next start"
            case .damaged(let reason): status = "DAMAGED: \(reason)"
            }
            return "\(name)  \(range)  \(what)  \(bytes) bytes  \(status)"
        }
    }

    public func show() throws -> [FileReport] {
        let names = try fileSystem.list(directory)
        let logs = names.filter { StorageFormat.parse($0)?.0 == .log }.sorted()
        return try names.compactMap { name -> FileReport? in
            guard let (kind, zxid) = StorageFormat.parse(name) else { return nil }
            switch kind {
            case .log: return try logReport(name, isLast: name == logs.last)
            case .snapshot: return try snapshotReport(name, zxid: zxid)
            case .partialSnapshot:
                return FileReport(
                    name: name, kind: kind, firstZxid: zxid, lastZxid: zxid, records: 0, bytes: try size(name),
                    health: .tornTail(offset: 0, reason: "writing was interrupted"))
            }
        }
    }

    /// Whether everything checks out (torn tails do: recovery cuts them).
    public func verify() throws -> (reports: [FileReport], damaged: Bool) {
        let reports = try show()
        return (reports, reports.contains { if case .damaged = $0.health { return true } else { return false } })
    }

    /// Every logged transaction from `zxid` on, one line each, in zxid order.
    public func log(from zxid: Int64 = 0, _ emit: (String) -> Void) throws {
        let logs = try fileSystem.list(directory).filter { StorageFormat.parse($0)?.0 == .log }.sorted()
        for name in logs {
            let segment = try LogSegmentReader(fileSystem: fileSystem, path: directory + "/" + name)
            for record in segment.records where record.zxid >= zxid {
                do {
                    emit(try TxnEntry.decode(record.payload).summary)
                } catch {
                    emit("0x\(StorageFormat.hex16(record.zxid))  does not decode: \(error)")
                }
            }
            if let stop = segment.stop { emit("-- \(name) stops at offset \(stop.offset): \(stop.reason)") }
        }
    }

    private func size(_ name: String) throws -> Int {
        let file = try fileSystem.open(directory + "/" + name, create: false)
        defer { try? file.close() }
        return try file.size()
    }

    private func logReport(_ name: String, isLast: Bool) throws -> FileReport {
        var report = FileReport(name: name, kind: .log, records: 0, bytes: try size(name), health: .ok)
        do {
            let segment = try LogSegmentReader(fileSystem: fileSystem, path: directory + "/" + name)
            report.firstZxid = segment.records.first?.zxid
            report.lastZxid = segment.records.last?.zxid
            report.records = segment.records.count
            report.bytes = segment.validEnd
            if let stop = segment.stop {
                report.health =
                    isLast && !stop.validRecordFollows
                    ? .tornTail(offset: stop.offset, reason: stop.reason)
                    : .damaged("at offset \(stop.offset): \(stop.reason)")
            }
        } catch {
            report.health = .damaged("\(error)")
        }
        return report
    }

    private func snapshotReport(_ name: String, zxid: Int64) throws -> FileReport {
        var report = FileReport(
            name: name, kind: .snapshot, firstZxid: zxid, lastZxid: zxid, records: 0, bytes: try size(name), health: .ok
        )
        do {
            let file = try fileSystem.open(directory + "/" + name, create: false)
            defer { try? file.close() }
            try SnapshotFile.verify(try file.readFully(at: 0, count: try file.size()), path: name)
        } catch let damage as SnapshotFile.Damage {
            report.health = .damaged(damage.reason)
        }
        return report
    }
}
