/// Jute, ZooKeeper's record serialisation: big-endian integers, a one-byte boolean,
/// and length-prefixed strings, buffers and vectors where a length of -1 means null.
/// `zookeeper.jute` in Apache ZooKeeper is the description of every record; the
/// types in this module follow it field for field.

public enum JuteError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The record ends before a field does.
    case truncated(field: String, needed: Int, available: Int)
    /// A length prefix is negative (other than -1) or larger than the bytes left.
    case badLength(field: String, length: Int32)
    /// A string field is not UTF-8.
    case invalidUTF8(field: String)
    /// A value the protocol does not define (an unknown op code inside a multi, say).
    case invalidValue(field: String, value: Int64)

    public var description: String {
        switch self {
        case .truncated(let field, let needed, let available):
            return "record truncated in \(field): needed \(needed) bytes, \(available) left"
        case .badLength(let field, let length):
            return "bad length \(length) for \(field)"
        case .invalidUTF8(let field):
            return "\(field) is not valid UTF-8"
        case .invalidValue(let field, let value):
            return "invalid value \(value) for \(field)"
        }
    }
}

/// Appends jute-encoded fields to a byte array.
public struct JuteWriter: Sendable {
    public private(set) var bytes: [UInt8]

    public init(capacity: Int = 64) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    public mutating func write(_ value: Int32) {
        let v = UInt32(bitPattern: value)
        bytes.append(UInt8(truncatingIfNeeded: v >> 24))
        bytes.append(UInt8(truncatingIfNeeded: v >> 16))
        bytes.append(UInt8(truncatingIfNeeded: v >> 8))
        bytes.append(UInt8(truncatingIfNeeded: v))
    }

    public mutating func write(_ value: Int64) {
        write(Int32(truncatingIfNeeded: value >> 32))
        write(Int32(truncatingIfNeeded: value))
    }

    public mutating func write(_ value: Bool) {
        bytes.append(value ? 1 : 0)
    }

    public mutating func write(_ value: String) {
        var value = value
        value.withUTF8 { utf8 in
            write(Int32(utf8.count))
            bytes.append(contentsOf: utf8)
        }
    }

    /// A buffer field; nil is written as length -1, as Java writes a null byte[].
    public mutating func write(_ value: [UInt8]?) {
        guard let value else {
            write(Int32(-1))
            return
        }
        write(Int32(value.count))
        bytes.append(contentsOf: value)
    }

    public mutating func write(_ values: [String]) {
        write(Int32(values.count))
        for value in values { write(value) }
    }

    public mutating func write<R: JuteRecord>(_ record: R) {
        record.write(to: &self)
    }

    public mutating func write<R: JuteRecord>(_ records: [R]) {
        write(Int32(records.count))
        for record in records { record.write(to: &self) }
    }

    /// Raw bytes with no length prefix (a record already encoded).
    public mutating func writeRaw(_ raw: [UInt8]) {
        bytes.append(contentsOf: raw)
    }

    /// Overwrites bytes already written (a length filled in afterwards).
    public mutating func replaceBytes(at offset: Int, with raw: [UInt8]) {
        bytes.replaceSubrange(offset..<(offset + raw.count), with: raw)
    }
}

/// Reads jute-encoded fields from a byte array, checking every length against what is left.
public struct JuteReader: Sendable {
    public let bytes: [UInt8]
    public private(set) var offset: Int
    private let end: Int

    public init(_ bytes: [UInt8], offset: Int = 0) {
        self.bytes = bytes
        self.offset = offset
        self.end = bytes.count
    }

    public var remaining: Int { end - offset }
    public var isAtEnd: Bool { offset >= end }

    private func need(_ count: Int, _ field: String) throws(JuteError) {
        guard remaining >= count else {
            throw .truncated(field: field, needed: count, available: remaining)
        }
    }

    public mutating func readInt32(_ field: String = "int") throws(JuteError) -> Int32 {
        try need(4, field)
        let v =
            UInt32(bytes[offset]) << 24 | UInt32(bytes[offset + 1]) << 16 | UInt32(bytes[offset + 2]) << 8
            | UInt32(bytes[offset + 3])
        offset += 4
        return Int32(bitPattern: v)
    }

    public mutating func readInt64(_ field: String = "long") throws(JuteError) -> Int64 {
        let high = try readInt32(field)
        let low = try readInt32(field)
        return Int64(high) << 32 | Int64(UInt32(bitPattern: low))
    }

    public mutating func readBool(_ field: String = "boolean") throws(JuteError) -> Bool {
        try need(1, field)
        defer { offset += 1 }
        return bytes[offset] != 0
    }

    private mutating func readLength(_ field: String) throws(JuteError) -> Int? {
        let length = try readInt32(field)
        if length == -1 { return nil }
        guard length >= 0, Int(length) <= remaining else { throw .badLength(field: field, length: length) }
        return Int(length)
    }

    /// A ustring; a null string (length -1) reads as "".
    public mutating func readString(_ field: String = "ustring") throws(JuteError) -> String {
        guard let length = try readLength(field) else { return "" }
        let slice = bytes[offset..<offset + length]
        offset += length
        guard let string = String(validating: slice, as: UTF8.self) else { throw .invalidUTF8(field: field) }
        return string
    }

    /// A buffer; nil when the sender wrote a null buffer (length -1).
    public mutating func readBuffer(_ field: String = "buffer") throws(JuteError) -> [UInt8]? {
        guard let length = try readLength(field) else { return nil }
        let slice = Array(bytes[offset..<offset + length])
        offset += length
        return slice
    }

    /// A vector of ustrings; a null vector reads as empty.
    public mutating func readStrings(_ field: String = "vector") throws(JuteError) -> [String] {
        let count = try readInt32(field)
        if count == -1 { return [] }
        // Every string takes at least its 4-byte length, which bounds a hostile count.
        guard count >= 0, Int(count) <= remaining / 4 else { throw .badLength(field: field, length: count) }
        var values: [String] = []
        values.reserveCapacity(Int(count))
        for _ in 0..<count { values.append(try readString(field)) }
        return values
    }

    /// A vector of records; `minimumSize` bounds a hostile count before anything is allocated.
    public mutating func readRecords<R: JuteRecord>(
        _ type: R.Type, _ field: String = "vector", minimumSize: Int = 1
    ) throws(JuteError) -> [R] {
        let count = try readInt32(field)
        if count == -1 { return [] }
        guard count >= 0, Int(count) <= remaining / max(minimumSize, 1) else {
            throw .badLength(field: field, length: count)
        }
        var values: [R] = []
        values.reserveCapacity(Int(count))
        for _ in 0..<count { values.append(try R(from: &self)) }
        return values
    }

    public mutating func read<R: JuteRecord>(_ type: R.Type) throws(JuteError) -> R {
        try R(from: &self)
    }
}

/// A record of `zookeeper.jute`: it writes its fields in order and reads them back.
public protocol JuteRecord: Sendable {
    init(from reader: inout JuteReader) throws(JuteError)
    func write(to writer: inout JuteWriter)
}

extension JuteRecord {
    /// The record alone, as bytes.
    public func juteBytes() -> [UInt8] {
        var writer = JuteWriter()
        write(to: &writer)
        return writer.bytes
    }

    /// Decodes a record that must fill `bytes` exactly.
    public static func decode(_ bytes: [UInt8]) throws(JuteError) -> Self {
        var reader = JuteReader(bytes)
        return try Self(from: &reader)
    }
}
