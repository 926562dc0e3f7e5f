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
        try value.encode(to: JSONStreamEncoding(writer: writer, depth: 0))
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
    /// The key (or index) each open value sits under, outermost first: the coding path,
    /// kept as one stack and copied out only when someone asks (an error names it).
    private var keys: [any CodingKey] = []

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
    func key(_ key: some CodingKey, at depth: Int) {
        close(deeperThan: depth)
        guard case .object(let hasMembers) = open[depth - 1] else { preconditionFailure("a key outside an object") }
        if hasMembers { bytes.append(UInt8(ascii: ",")) }
        open[depth - 1] = .object(hasMembers: true)
        string(key.stringValue)
        bytes.append(UInt8(ascii: ":"))
        setKey(key, at: depth)
    }

    /// Starts element `index` of the array at `depth`.
    func element(_ index: Int, at depth: Int) {
        close(deeperThan: depth)
        guard case .array(let hasElements) = open[depth - 1] else { preconditionFailure("an element outside an array") }
        if hasElements { bytes.append(UInt8(ascii: ",")) }
        open[depth - 1] = .array(hasElements: true)
        setKey(JSONStreamIndex(intValue: index), at: depth)
    }

    /// The coding path of a value whose containers open at `depth + 1`.
    func codingPath(_ depth: Int) -> [any CodingKey] { Array(keys.prefix(depth)) }

    private func setKey(_ key: any CodingKey, at depth: Int) {
        if keys.count >= depth { keys.removeLast(keys.count - depth + 1) }
        keys.append(key)
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

    /// A double in a value whose containers would open at `depth + 1`.
    func double(_ value: Double, depth: Int) throws {
        guard value.isFinite else {
            throw EncodingError.invalidValue(
                value,
                EncodingError.Context(codingPath: codingPath(depth), debugDescription: "\(value) is not valid JSON"))
        }
        var text = value.description
        if text.hasSuffix(".0") { text.removeLast(2) }
        raw(text)
    }
}

/// The `Encoder` one value encodes itself to: its containers open at `depth + 1`.
struct JSONStreamEncoding: Encoder {
    let writer: JSONStreamWriter
    let depth: Int
    var codingPath: [any CodingKey] { writer.codingPath(depth) }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        writer.openContainer(.object(hasMembers: false), at: depth + 1)
        return KeyedEncodingContainer(JSONStreamKeyed<Key>(writer: writer, depth: depth + 1))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        writer.openContainer(.array(hasElements: false), at: depth + 1)
        return JSONStreamUnkeyed(writer: writer, depth: depth + 1)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer {
        JSONStreamSingle(writer: writer, depth: depth)
    }
}

/// Scalars every container writes the same way, once its key or separator is out.
protocol JSONStreamValueWriting {
    var writer: JSONStreamWriter { get }
    /// Where a nested value's own containers go: one below this container.
    var depth: Int { get }
}

extension JSONStreamValueWriting {
    func write<T: Encodable>(_ value: T) throws {
        switch value {
        case let text as String: writer.string(text)
        case let flag as Bool: writer.raw(flag ? "true" : "false")
        case let number as Double: try writer.double(number, depth: depth)
        case let number as Int: writer.raw(String(number))
        case let number as Int64: writer.raw(String(number))
        case let number as Int32: writer.raw(String(number))
        case let number as UInt64: writer.raw(String(number))
        case let number as UInt32: writer.raw(String(number))
        default: try value.encode(to: JSONStreamEncoding(writer: writer, depth: depth))
        }
    }
}

struct JSONStreamKeyed<Key: CodingKey>: KeyedEncodingContainerProtocol, JSONStreamValueWriting {
    let writer: JSONStreamWriter
    let depth: Int
    var codingPath: [any CodingKey] { writer.codingPath(depth - 1) }

    mutating func encodeNil(forKey key: Key) throws {
        writer.key(key, at: depth)
        writer.raw("null")
    }

    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        writer.key(key, at: depth)
        try write(value)
    }

    // The scalars synthesized conformances encode most, written without a dynamic cast.

    mutating func encode(_ value: String, forKey key: Key) throws {
        writer.key(key, at: depth)
        writer.string(value)
    }

    mutating func encode(_ value: Bool, forKey key: Key) throws {
        writer.key(key, at: depth)
        writer.raw(value ? "true" : "false")
    }

    mutating func encode(_ value: Double, forKey key: Key) throws {
        writer.key(key, at: depth)
        try writer.double(value, depth: depth)
    }

    mutating func encode(_ value: Int, forKey key: Key) throws { integer(value, key) }

    mutating func encode(_ value: Int32, forKey key: Key) throws { integer(value, key) }

    mutating func encode(_ value: Int64, forKey key: Key) throws { integer(value, key) }

    mutating func encode(_ value: UInt64, forKey key: Key) throws { integer(value, key) }

    private func integer(_ value: some BinaryInteger, _ key: Key) {
        writer.key(key, at: depth)
        writer.raw(String(value))
    }

    mutating func nestedContainer<NestedKey: CodingKey>(
        keyedBy keyType: NestedKey.Type, forKey key: Key
    ) -> KeyedEncodingContainer<NestedKey> {
        writer.key(key, at: depth)
        return JSONStreamEncoding(writer: writer, depth: depth).container(keyedBy: keyType)
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        writer.key(key, at: depth)
        return JSONStreamEncoding(writer: writer, depth: depth).unkeyedContainer()
    }

    mutating func superEncoder() -> any Encoder {
        writer.key(JSONStreamSuperKey(), at: depth)
        return JSONStreamEncoding(writer: writer, depth: depth)
    }

    mutating func superEncoder(forKey key: Key) -> any Encoder {
        writer.key(key, at: depth)
        return JSONStreamEncoding(writer: writer, depth: depth)
    }
}

struct JSONStreamUnkeyed: UnkeyedEncodingContainer, JSONStreamValueWriting {
    let writer: JSONStreamWriter
    let depth: Int
    private(set) var count = 0
    var codingPath: [any CodingKey] { writer.codingPath(depth - 1) }

    init(writer: JSONStreamWriter, depth: Int) {
        self.writer = writer
        self.depth = depth
    }

    /// Starts the next element.
    private mutating func next() {
        writer.element(count, at: depth)
        count += 1
    }

    mutating func encodeNil() throws {
        next()
        writer.raw("null")
    }

    mutating func encode<T: Encodable>(_ value: T) throws {
        next()
        try write(value)
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<
        NestedKey
    > {
        next()
        return JSONStreamEncoding(writer: writer, depth: depth).container(keyedBy: keyType)
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        next()
        return JSONStreamEncoding(writer: writer, depth: depth).unkeyedContainer()
    }

    mutating func superEncoder() -> any Encoder {
        next()
        return JSONStreamEncoding(writer: writer, depth: depth)
    }
}

/// A single value written where the encoder stands: its key or separator is already out.
struct JSONStreamSingle: SingleValueEncodingContainer, JSONStreamValueWriting {
    let writer: JSONStreamWriter
    let depth: Int
    var codingPath: [any CodingKey] { writer.codingPath(depth) }

    mutating func encodeNil() throws { writer.raw("null") }

    mutating func encode<T: Encodable>(_ value: T) throws { try write(value) }

    mutating func encode(_ value: String) throws { writer.string(value) }

    mutating func encode(_ value: Double) throws { try writer.double(value, depth: depth) }
}

struct JSONStreamIndex: CodingKey {
    var intValue: Int?
    var stringValue: String { intValue.map(String.init) ?? "" }

    init(intValue: Int) { self.intValue = intValue }

    init?(stringValue: String) { nil }
}

/// The key `superEncoder()` writes under, as Foundation names it.
struct JSONStreamSuperKey: CodingKey {
    var stringValue: String { "super" }
    var intValue: Int? { nil }

    init() {}

    init?(stringValue: String) { nil }

    init?(intValue: Int) { nil }
}
