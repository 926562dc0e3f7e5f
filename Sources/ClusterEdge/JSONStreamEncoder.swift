/// A JSON encoder for `Encodable` values that writes bytes as the value encodes itself,
/// with no tree in between: Foundation's `JSONEncoder` first builds a tree of boxed values
/// and then writes it, which made encoding the events a launch sends (RUN_TASK, UPDATE)
/// the largest cost of the master's one serial step.
///
/// The output is the JSON Foundation's encoder writes without `sortedKeys`: keys in encoding
/// order, `nil` optionals left out by `encodeIfPresent`, integral doubles without `.0`
/// (`16`, as Foundation), `/` not escaped. Non-finite doubles throw, as Foundation's do.
///
/// How containers close: each container sits at a depth; writing into a container first
/// closes every container deeper than it (they are finished: Codable fills a nested value
/// before it moves on), and the end of the encoding closes the rest.
public struct JSONStreamEncoder {
    public init() {}

    public func encode<T: Encodable>(_ value: T) throws -> [UInt8] {
        let writer = JSONStreamWriter()
        try value.encode(to: JSONStreamEncoding(writer: writer, depth: 0, codingPath: []))
        writer.close(deeperThan: 0)
        guard writer.wroteValue else {
            throw EncodingError.invalidValue(
                value, EncodingError.Context(codingPath: [], debugDescription: "\(T.self) encoded nothing"))
        }
        return writer.bytes
    }
}

/// The bytes written so far and the containers still open, innermost last.
final class JSONStreamWriter {
    enum Container {
        case object(hasMembers: Bool)
        case array(hasElements: Bool)
    }

    var bytes: [UInt8] = []
    /// The open containers; container `i` sits at depth `i + 1`.
    var open: [Container] = []
    /// True once a top-level value was written or opened.
    var wroteValue = false

    init() { bytes.reserveCapacity(512) }

    /// Closes the containers deeper than `depth`.
    func close(deeperThan depth: Int) {
        while open.count > depth {
            switch open.removeLast() {
            case .object: bytes.append(UInt8(ascii: "}"))
            case .array: bytes.append(UInt8(ascii: "]"))
            }
        }
    }

    /// Opens a container at `depth` (one below the encoder's), unless one of the same kind
    /// is open there already (a second `container(keyedBy:)` call on one encoder).
    func openContainer(_ container: Container, at depth: Int) {
        close(deeperThan: depth)
        if open.count == depth {
            switch (open[depth - 1], container) {
            case (.object, .object), (.array, .array): return
            default: break
            }
        }
        precondition(open.count == depth - 1, "a container opened where a value was already written")
        open.append(container)
        wroteValue = true
        switch container {
        case .object: bytes.append(UInt8(ascii: "{"))
        case .array: bytes.append(UInt8(ascii: "["))
        }
    }

    /// Writes `"key":` into the object at `depth`.
    func key(_ key: String, at depth: Int) {
        close(deeperThan: depth)
        guard case .object(let hasMembers) = open[depth - 1] else { preconditionFailure("a key outside an object") }
        if hasMembers { bytes.append(UInt8(ascii: ",")) }
        open[depth - 1] = .object(hasMembers: true)
        string(key)
        bytes.append(UInt8(ascii: ":"))
    }

    /// Starts an element of the array at `depth`.
    func element(at depth: Int) {
        close(deeperThan: depth)
        guard case .array(let hasElements) = open[depth - 1] else { preconditionFailure("an element outside an array") }
        if hasElements { bytes.append(UInt8(ascii: ",")) }
        open[depth - 1] = .array(hasElements: true)
    }

    func raw(_ text: String) {
        wroteValue = true
        bytes.append(contentsOf: text.utf8)
    }

    func string(_ text: String) {
        wroteValue = true
        bytes.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
            case UInt8(ascii: "\\"): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
            case UInt8(ascii: "\n"): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
            case UInt8(ascii: "\r"): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
            case UInt8(ascii: "\t"): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                bytes.append(contentsOf: Array("\\u00".utf8) + [hex[Int(byte >> 4)], hex[Int(byte & 0xf)]])
            default: bytes.append(byte)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    func double(_ value: Double, _ codingPath: [any CodingKey]) throws {
        guard value.isFinite else {
            throw EncodingError.invalidValue(
                value, EncodingError.Context(codingPath: codingPath, debugDescription: "\(value) is not valid JSON"))
        }
        var text = value.description
        if text.hasSuffix(".0") { text.removeLast(2) }
        raw(text)
    }
}

/// The `Encoder` one value encodes itself to: its containers sit one below `depth`.
struct JSONStreamEncoding: Encoder {
    let writer: JSONStreamWriter
    let depth: Int
    let codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        writer.openContainer(.object(hasMembers: false), at: depth + 1)
        return KeyedEncodingContainer(JSONStreamKeyed<Key>(writer: writer, depth: depth + 1, codingPath: codingPath))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        writer.openContainer(.array(hasElements: false), at: depth + 1)
        return JSONStreamUnkeyed(writer: writer, depth: depth + 1, codingPath: codingPath)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer {
        JSONStreamSingle(writer: writer, depth: depth, codingPath: codingPath)
    }
}

/// Scalars every container writes the same way, once its key or separator is out.
protocol JSONStreamValueWriting {
    var writer: JSONStreamWriter { get }
    /// Where a nested value's own containers go: one below this container.
    var depth: Int { get }
}

extension JSONStreamValueWriting {
    func write<T: Encodable>(_ value: T, codingPath: [any CodingKey]) throws {
        switch value {
        case let text as String: writer.string(text)
        case let flag as Bool: writer.raw(flag ? "true" : "false")
        case let number as Double: try writer.double(number, codingPath)
        case let number as Int: writer.raw(String(number))
        case let number as Int64: writer.raw(String(number))
        case let number as Int32: writer.raw(String(number))
        case let number as UInt64: writer.raw(String(number))
        case let number as UInt32: writer.raw(String(number))
        default: try value.encode(to: JSONStreamEncoding(writer: writer, depth: depth, codingPath: codingPath))
        }
    }
}

struct JSONStreamKeyed<Key: CodingKey>: KeyedEncodingContainerProtocol, JSONStreamValueWriting {
    let writer: JSONStreamWriter
    let depth: Int
    let codingPath: [any CodingKey]

    mutating func encodeNil(forKey key: Key) throws {
        writer.key(key.stringValue, at: depth)
        writer.raw("null")
    }

    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        writer.key(key.stringValue, at: depth)
        try write(value, codingPath: codingPath + [key])
    }

    // The scalars synthesized conformances encode most, written without a dynamic cast.

    mutating func encode(_ value: String, forKey key: Key) throws {
        writer.key(key.stringValue, at: depth)
        writer.string(value)
    }

    mutating func encode(_ value: Bool, forKey key: Key) throws {
        writer.key(key.stringValue, at: depth)
        writer.raw(value ? "true" : "false")
    }

    mutating func encode(_ value: Double, forKey key: Key) throws {
        writer.key(key.stringValue, at: depth)
        try writer.double(value, codingPath + [key])
    }

    mutating func encode(_ value: Int, forKey key: Key) throws {
        writer.key(key.stringValue, at: depth)
        writer.raw(String(value))
    }

    mutating func encode(_ value: Int32, forKey key: Key) throws {
        writer.key(key.stringValue, at: depth)
        writer.raw(String(value))
    }

    mutating func encode(_ value: Int64, forKey key: Key) throws {
        writer.key(key.stringValue, at: depth)
        writer.raw(String(value))
    }

    mutating func encode(_ value: UInt64, forKey key: Key) throws {
        writer.key(key.stringValue, at: depth)
        writer.raw(String(value))
    }

    mutating func nestedContainer<NestedKey: CodingKey>(
        keyedBy keyType: NestedKey.Type, forKey key: Key
    ) -> KeyedEncodingContainer<NestedKey> {
        writer.key(key.stringValue, at: depth)
        return JSONStreamEncoding(writer: writer, depth: depth, codingPath: codingPath + [key]).container(
            keyedBy: keyType)
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        writer.key(key.stringValue, at: depth)
        return JSONStreamEncoding(writer: writer, depth: depth, codingPath: codingPath + [key]).unkeyedContainer()
    }

    mutating func superEncoder() -> any Encoder {
        writer.key("super", at: depth)
        return JSONStreamEncoding(writer: writer, depth: depth, codingPath: codingPath)
    }

    mutating func superEncoder(forKey key: Key) -> any Encoder {
        writer.key(key.stringValue, at: depth)
        return JSONStreamEncoding(writer: writer, depth: depth, codingPath: codingPath + [key])
    }
}

struct JSONStreamUnkeyed: UnkeyedEncodingContainer, JSONStreamValueWriting {
    let writer: JSONStreamWriter
    let depth: Int
    let codingPath: [any CodingKey]
    private(set) var count = 0

    init(writer: JSONStreamWriter, depth: Int, codingPath: [any CodingKey]) {
        self.writer = writer
        self.depth = depth
        self.codingPath = codingPath
    }

    private var elementPath: [any CodingKey] { codingPath + [JSONStreamIndex(intValue: count)] }

    mutating func encodeNil() throws {
        writer.element(at: depth)
        writer.raw("null")
        count += 1
    }

    mutating func encode<T: Encodable>(_ value: T) throws {
        writer.element(at: depth)
        try write(value, codingPath: elementPath)
        count += 1
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<
        NestedKey
    > {
        writer.element(at: depth)
        defer { count += 1 }
        return JSONStreamEncoding(writer: writer, depth: depth, codingPath: elementPath).container(keyedBy: keyType)
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        writer.element(at: depth)
        defer { count += 1 }
        return JSONStreamEncoding(writer: writer, depth: depth, codingPath: elementPath).unkeyedContainer()
    }

    mutating func superEncoder() -> any Encoder {
        writer.element(at: depth)
        defer { count += 1 }
        return JSONStreamEncoding(writer: writer, depth: depth, codingPath: elementPath)
    }
}

/// A single value written where the encoder stands: its key or separator is already out.
struct JSONStreamSingle: SingleValueEncodingContainer, JSONStreamValueWriting {
    let writer: JSONStreamWriter
    let depth: Int
    let codingPath: [any CodingKey]

    mutating func encodeNil() throws { writer.raw("null") }

    mutating func encode<T: Encodable>(_ value: T) throws { try write(value, codingPath: codingPath) }

    mutating func encode(_ value: String) throws { writer.string(value) }

    mutating func encode(_ value: Double) throws { try writer.double(value, codingPath) }
}

struct JSONStreamIndex: CodingKey {
    var intValue: Int?
    var stringValue: String { intValue.map(String.init) ?? "" }

    init(intValue: Int) { self.intValue = intValue }

    init?(stringValue: String) { nil }
}
