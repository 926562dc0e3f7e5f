/// Names and constants of Keeper's files, described in docs/storage.md.
///
/// - `log.<zxid>`: a transaction log segment whose first record is `zxid` (16 hex digits).
/// - `snapshot.<zxid>`: the tree and sessions with every transaction up to `zxid` applied.
/// - `snapshot.<zxid>.tmp`: a snapshot this server is writing; never read, removed at startup.
/// - `snapshot.<zxid>.received.tmp`: a leader's snapshot being written here; the same,
///   under its own name so that it never meets a snapshot of this server's at one zxid.
public enum StorageFormat {
    public static let logMagic: UInt32 = 0x4352_4C47  // "CRLG"
    public static let snapshotMagic: UInt32 = 0x4352_534E  // "CRSN"
    public static let snapshotEndMagic: UInt32 = 0x4352_454E  // "CREN"
    public static let version: UInt32 = 1

    /// magic, version, start zxid, reserved, CRC32C of the 20 bytes before it.
    public static let logHeaderSize = 24
    /// payload length, CRC32C of zxid and payload, zxid.
    public static let recordHeaderSize = 16
    /// No record is larger: a length above it is damage, not data.
    public static let recordLengthMax = 64 << 20
    /// magic, version, zxid.
    public static let snapshotHeaderSize = 16
    /// end magic, CRC32C of everything before it.
    public static let snapshotTrailerSize = 8

    public enum FileKind: Equatable, Sendable {
        case log
        case snapshot
        case partialSnapshot
    }

    public static func logName(startZxid: Int64) -> String { "log." + hex16(startZxid) }
    public static func snapshotName(zxid: Int64) -> String { "snapshot." + hex16(zxid) }

    /// The kind and zxid a file name carries, or nil for files that are not Keeper's.
    public static func parse(_ name: String) -> (FileKind, Int64)? {
        let parts = name.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count >= 2, parts[1].count == 16, let zxid = UInt64(parts[1], radix: 16) else { return nil }
        switch (parts[0], parts.count) {
        case ("log", 2): return (.log, Int64(bitPattern: zxid))
        case ("snapshot", 2): return (.snapshot, Int64(bitPattern: zxid))
        case ("snapshot", 3) where parts[2] == "tmp": return (.partialSnapshot, Int64(bitPattern: zxid))
        case ("snapshot", 4) where parts[2] == "received" && parts[3] == "tmp":
            return (.partialSnapshot, Int64(bitPattern: zxid))
        default: return nil
        }
    }

    public static func hex16(_ value: Int64) -> String {
        let digits = String(UInt64(bitPattern: value), radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }

    static func logHeader(startZxid: Int64) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.appendBigEndian(logMagic)
        bytes.appendBigEndian(version)
        bytes.appendBigEndian(UInt64(bitPattern: startZxid))
        bytes.appendBigEndian(UInt32(0))
        bytes.appendBigEndian(CRC32C.checksum(bytes))
        return bytes
    }

    /// One framed log record.
    static func appendRecord(zxid: Int64, payload: [UInt8], to bytes: inout [UInt8]) {
        var crc = CRC32C()
        var zxidBytes: [UInt8] = []
        zxidBytes.appendBigEndian(UInt64(bitPattern: zxid))
        crc.update(zxidBytes)
        crc.update(payload)
        bytes.appendBigEndian(UInt32(payload.count))
        bytes.appendBigEndian(crc.value)
        bytes.append(contentsOf: zxidBytes)
        bytes.append(contentsOf: payload)
    }
}

extension Array where Element == UInt8 {
    mutating func appendBigEndian<T: FixedWidthInteger>(_ value: T) {
        var big = value.bigEndian
        Swift.withUnsafeBytes(of: &big) { append(contentsOf: $0) }
    }

    func bigEndian<T: FixedWidthInteger>(at offset: Int, as: T.Type) -> T {
        var value: T = 0
        for i in 0..<MemoryLayout<T>.size { value = value << 8 | T(self[offset + i]) }
        return value
    }
}
