import KeeperCore
import KeeperProtocol

/// Snapshot files. One is written beside its final name, synced, renamed into place and
/// the directory synced, so a crash leaves either the whole file or none; a checksum over
/// the file catches damage after the fact.
///
/// Layout: header (magic, version, zxid), the sessions, the ACL lists, one length-prefixed
/// record per node, then the end magic and the CRC32C of everything before it.
public enum SnapshotFile {
    public struct Damage: Error, CustomStringConvertible {
        public var path: String
        public var reason: String
        public var description: String { "snapshot \(path) is damaged: \(reason)" }
    }

    /// Writes `contents` into `directory`; returns the final path and the size in bytes.
    @discardableResult
    public static func write(_ contents: SnapshotContents, fileSystem: any FileSystem, directory: String) throws -> (
        path: String, size: Int
    ) {
        try write(zxid: contents.zxid, fileSystem: fileSystem, directory: directory) { out in
            try SnapshotCodec.encode(contents) { try out.append($0) }
        }
    }

    /// Who writes a snapshot: the server of its own state (on the snapshot thread), or the
    /// log thread installing a leader's. Each writes beside the final name under its own
    /// temporary name, so the two may write a snapshot at the same zxid at once; either
    /// rename leaves a whole file.
    public enum Source: Sendable {
        case taken
        case received
    }

    /// Writes a snapshot whose contents are already encoded (a leader's state).
    @discardableResult
    public static func write(
        body: [UInt8], zxid: Int64, source: Source = .taken, fileSystem: any FileSystem, directory: String
    ) throws -> (path: String, size: Int) {
        try write(zxid: zxid, source: source, fileSystem: fileSystem, directory: directory) { try $0.append(body) }
    }

    private static func write(
        zxid: Int64, source: Source = .taken, fileSystem: any FileSystem, directory: String,
        body: (inout ChunkedOutput) throws -> Void
    ) throws -> (path: String, size: Int) {
        let name = StorageFormat.snapshotName(zxid: zxid)
        let temporary = directory + "/" + name + (source == .received ? ".received.tmp" : ".tmp")
        let final = directory + "/" + name
        let file = try fileSystem.open(temporary, create: true)
        try file.truncate(to: 0)
        var out = ChunkedOutput(file: file)
        var header: [UInt8] = []
        header.appendBigEndian(StorageFormat.snapshotMagic)
        header.appendBigEndian(StorageFormat.version)
        header.appendBigEndian(UInt64(bitPattern: zxid))
        try out.append(header)
        try body(&out)
        try writeTrailer(to: &out)
        try out.finish()
        try file.sync()
        try file.close()
        try fileSystem.rename(temporary, to: final)
        try fileSystem.syncDirectory(directory)
        return (final, out.written)
    }

    private static func writeTrailer(to out: inout ChunkedOutput) throws {
        var trailer: [UInt8] = []
        trailer.appendBigEndian(StorageFormat.snapshotEndMagic)
        try out.append(trailer)
        var crc: [UInt8] = []
        crc.appendBigEndian(out.checksum)
        try out.append(crc)
    }

    /// The zxid a snapshot file covers, from its header, without reading the rest.
    public static func zxid(fileSystem: any FileSystem, path: String) throws -> Int64 {
        let file = try fileSystem.open(path, create: false)
        defer { try? file.close() }
        let header = try file.readFully(at: 0, count: StorageFormat.snapshotHeaderSize)
        guard header.count == StorageFormat.snapshotHeaderSize else {
            throw Damage(path: path, reason: "shorter than a header")
        }
        return Int64(bitPattern: header.bigEndian(at: 8, as: UInt64.self))
    }

    /// Reads and checks a whole snapshot.
    public static func read(fileSystem: any FileSystem, path: String) throws -> SnapshotContents {
        let file = try fileSystem.open(path, create: false)
        defer { try? file.close() }
        let bytes = try file.readFully(at: 0, count: try file.size())
        try verify(bytes, path: path)
        do {
            return try decode(bytes)
        } catch {
            throw Damage(path: path, reason: "\(error)")
        }
    }

    /// Checks magic, version, end magic and checksum.
    public static func verify(_ bytes: [UInt8], path: String) throws {
        let minimum = StorageFormat.snapshotHeaderSize + StorageFormat.snapshotTrailerSize
        guard bytes.count >= minimum else {
            throw Damage(path: path, reason: "\(bytes.count) bytes is shorter than header and trailer")
        }
        guard bytes.bigEndian(at: 0, as: UInt32.self) == StorageFormat.snapshotMagic else {
            throw Damage(path: path, reason: "not a Keeper snapshot (bad magic)")
        }
        let version = bytes.bigEndian(at: 4, as: UInt32.self)
        guard version == StorageFormat.version else {
            throw Damage(path: path, reason: "format version \(version); this build reads \(StorageFormat.version)")
        }
        let end = bytes.count - StorageFormat.snapshotTrailerSize
        guard bytes.bigEndian(at: end, as: UInt32.self) == StorageFormat.snapshotEndMagic else {
            throw Damage(path: path, reason: "no end marker: the file is incomplete")
        }
        guard bytes.bigEndian(at: end + 4, as: UInt32.self) == CRC32C.checksum(bytes[0..<(end + 4)]) else {
            throw Damage(path: path, reason: "checksum mismatch")
        }
    }

    private static func decode(_ bytes: [UInt8]) throws(JuteError) -> SnapshotContents {
        let zxid = Int64(bitPattern: bytes.bigEndian(at: 8, as: UInt64.self))
        var reader = JuteReader(bytes, offset: StorageFormat.snapshotHeaderSize)
        return try SnapshotCodec.decode(&reader, zxid: zxid)
    }
}

/// Buffers output and writes it in chunks, keeping a running checksum.
struct ChunkedOutput {
    private let file: any StorageFile
    private var buffer: [UInt8] = []
    private var crc = CRC32C()
    private(set) var written = 0
    private static let chunk = 1 << 20

    init(file: any StorageFile) {
        self.file = file
        buffer.reserveCapacity(Self.chunk + 4096)
    }

    /// The CRC32C of everything appended so far.
    var checksum: UInt32 { crc.value }

    mutating func append(_ bytes: [UInt8]) throws {
        crc.update(bytes)
        buffer.append(contentsOf: bytes)
        if buffer.count >= Self.chunk { try flush() }
    }

    mutating func finish() throws { try flush() }

    private mutating func flush() throws {
        guard !buffer.isEmpty else { return }
        try file.write(buffer, at: written)
        written += buffer.count
        buffer.removeAll(keepingCapacity: true)
    }
}
