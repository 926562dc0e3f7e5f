/// Reads one log segment: its header, then record after record until the zero-filled space
/// after the last one. A record that does not check out is either a torn tail (nothing
/// valid follows it: the crash hit in the middle of a write) or damage (valid records
/// follow it), and the caller treats the two very differently.
public struct LogSegmentReader {
    public struct Record: Sendable {
        public var zxid: Int64
        public var payload: [UInt8]
        public var offset: Int
    }

    /// Where and why reading stopped before the end of the data.
    public struct Stop: Sendable, Equatable {
        public var offset: Int
        public var reason: String
        /// Whether a valid record lies after the bad one.
        public var validRecordFollows: Bool
        /// Bytes from the bad record to the end of the data in the file.
        public var bytesAfter: Int
    }

    public let path: String
    public let startZxid: Int64
    public private(set) var records: [Record] = []
    /// The offset just after the last good record.
    public private(set) var validEnd = StorageFormat.logHeaderSize
    public private(set) var stop: Stop?

    public struct HeaderError: Error, CustomStringConvertible {
        public var path: String
        public var reason: String
        public var description: String { "\(path): \(reason)" }
    }

    /// Reads the segment at `path` up to the end of its records; the preallocated zeros
    /// after them are read only when a bad record makes the rest worth searching.
    public init(fileSystem: any FileSystem, path: String) throws {
        self.path = path
        let file = try fileSystem.open(path, create: false)
        defer { try? file.close() }
        var bytes = SegmentBytes(file: file, size: try file.size())
        try bytes.ensure(StorageFormat.logHeaderSize)
        startZxid = try Self.readHeader(bytes.loaded, path: path)
        try scan(&bytes)
    }

    /// The file's bytes, read in chunks as the scan needs them.
    private struct SegmentBytes {
        let file: any StorageFile
        let size: Int
        var loaded: [UInt8] = []
        static let chunk = 1 << 20

        init(file: any StorageFile, size: Int) {
            self.file = file
            self.size = size
        }

        /// Loads at least `count` bytes (fewer if the file is shorter).
        mutating func ensure(_ count: Int) throws {
            while loaded.count < min(count, size) {
                let want = min(max(Self.chunk, count - loaded.count), size - loaded.count)
                let chunk = try file.read(at: loaded.count, count: want)
                if chunk.isEmpty { return }
                loaded += chunk
            }
        }

        mutating func loadAll() throws { try ensure(size) }
    }

    private static func readHeader(_ bytes: [UInt8], path: String) throws -> Int64 {
        let size = StorageFormat.logHeaderSize
        guard bytes.count >= size else {
            throw HeaderError(path: path, reason: "shorter (\(bytes.count) bytes) than a header")
        }
        guard bytes.bigEndian(at: 0, as: UInt32.self) == StorageFormat.logMagic else {
            throw HeaderError(path: path, reason: "not a Keeper log segment (bad magic)")
        }
        guard bytes.bigEndian(at: 20, as: UInt32.self) == CRC32C.checksum(bytes[0..<20]) else {
            throw HeaderError(path: path, reason: "header checksum mismatch")
        }
        let version = bytes.bigEndian(at: 4, as: UInt32.self)
        guard version == StorageFormat.version else {
            throw HeaderError(
                path: path, reason: "format version \(version); this build reads \(StorageFormat.version)")
        }
        return Int64(bitPattern: bytes.bigEndian(at: 8, as: UInt64.self))
    }

    private mutating func scan(_ file: inout SegmentBytes) throws {
        var offset = StorageFormat.logHeaderSize
        var lastZxid = startZxid - 1
        while true {
            try file.ensure(offset + StorageFormat.recordHeaderSize)
            guard offset + StorageFormat.recordHeaderSize <= file.loaded.count else { break }
            let length = Int(file.loaded.bigEndian(at: offset, as: UInt32.self))
            if length <= StorageFormat.recordLengthMax {
                try file.ensure(offset + StorageFormat.recordHeaderSize + length)
            }
            switch Self.check(file.loaded, at: offset, after: lastZxid) {
            case .end:
                return
            case .record(let record, let next):
                records.append(record)
                lastZxid = record.zxid
                offset = next
                validEnd = next
            case .bad(let reason):
                try file.loadAll()
                let bytes = file.loaded
                stop = Stop(
                    offset: offset, reason: reason,
                    validRecordFollows: Self.hasValidRecord(bytes, after: offset, zxidAbove: lastZxid),
                    bytesAfter: max(0, Self.dataEnd(bytes) - offset))
                return
            }
        }
        let bytes = file.loaded
        if offset < bytes.count && bytes[offset...].contains(where: { $0 != 0 }) {
            stop = Stop(
                offset: offset, reason: "record header cut short", validRecordFollows: false,
                bytesAfter: bytes.count - offset)
        }
    }

    private enum Check {
        case end
        case record(Record, next: Int)
        case bad(String)
    }

    /// Checks the record at `offset`: length in range, zxid after the previous one,
    /// checksum right.
    private static func check(_ bytes: [UInt8], at offset: Int, after lastZxid: Int64) -> Check {
        let length = Int(bytes.bigEndian(at: offset, as: UInt32.self))
        let crc = bytes.bigEndian(at: offset + 4, as: UInt32.self)
        let zxid = Int64(bitPattern: bytes.bigEndian(at: offset + 8, as: UInt64.self))
        if length == 0 && crc == 0 && zxid == 0 { return .end }
        let start = offset + StorageFormat.recordHeaderSize
        guard length > 0, length <= StorageFormat.recordLengthMax, start + length <= bytes.count else {
            return .bad("record length \(length) runs past the end of the file")
        }
        guard CRC32C.checksum(bytes[(offset + 8)..<(start + length)]) == crc else {
            return .bad("checksum mismatch in the record of zxid 0x\(StorageFormat.hex16(zxid))")
        }
        guard zxid > lastZxid else {
            return .bad("zxid 0x\(StorageFormat.hex16(zxid)) does not follow 0x\(StorageFormat.hex16(lastZxid))")
        }
        return .record(
            Record(zxid: zxid, payload: Array(bytes[start..<(start + length)]), offset: offset), next: start + length)
    }

    /// Whether any offset after `offset` holds a record that checks out: if so the bad
    /// record is damage in the middle, not a torn tail.
    private static func hasValidRecord(_ bytes: [UInt8], after offset: Int, zxidAbove lastZxid: Int64) -> Bool {
        var candidate = offset + 1
        while candidate + StorageFormat.recordHeaderSize <= bytes.count {
            let zxid = Int64(bitPattern: bytes.bigEndian(at: candidate + 8, as: UInt64.self))
            if zxid > lastZxid, zxid - lastZxid < 1 << 40, case .record = check(bytes, at: candidate, after: lastZxid) {
                return true
            }
            candidate += 1
        }
        return false
    }

    /// The offset after the last non-zero byte.
    private static func dataEnd(_ bytes: [UInt8]) -> Int {
        var end = bytes.count
        while end > 0 && bytes[end - 1] == 0 { end -= 1 }
        return end
    }
}
