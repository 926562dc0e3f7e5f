/// A JSON decoder for `Decodable` values that reads a `JSONTape`: the document is parsed
/// once into a flat list, a keyed container finds a key by comparing bytes along its
/// object's few members, and strings and numbers are converted only when asked for.
/// Foundation's `JSONDecoder` builds a dictionary for every keyed container and hashes
/// every key it looks up, which made decoding the calls a launch brings (ACCEPTs with their
/// task infos, the agents' batches of updates) the largest cost of the master's requests.
///
/// What it accepts and how it fails follow Foundation's decoder with default options:
/// invalid JSON is `dataCorrupted` at the top level, a missing key `keyNotFound`, null where a
/// value must be `valueNotFound`, a value of the wrong kind `typeMismatch`, a number that does
/// not fit `dataCorrupted`; a key that appears twice takes its first value; integers accept
/// `1.0` and `1e3` forms of integral values; numbers that overflow or underflow a double are
/// refused; a trailing comma in an object or array is accepted, as Foundation's parser
/// accepts it.
///
/// Where it differs, it is stricter or exact: every number is checked as the document is
/// parsed (Foundation checks a number only when something decodes it), and an integer from a
/// fraction or exponent form is taken from its exact decimal value (Foundation goes through a
/// double, so it decodes `1e-400` as the integer 0 and refuses `-9.223372036854775808e18` as
/// an Int64).
public struct JSONTapeDecoder {
    public init() {}

    public func decode<T: Decodable>(_ type: T.Type, from bytes: [UInt8]) throws -> T {
        let tape: JSONTape
        do {
            tape = try JSONTape(parsing: bytes)
        } catch {
            throw DecodingError.dataCorrupted(
                DecodingError.Context(codingPath: [], debugDescription: "The given data was not valid JSON: \(error)"))
        }
        return try T(from: JSONTapeDecoding(tape: tape, index: 0))
    }
}

/// The `Decoder` one value decodes itself from: the value at `index` of the tape.
struct JSONTapeDecoding: Decoder {
    let tape: JSONTape
    let index: Int
    var codingPath: [any CodingKey] { tape.codingPath(to: index) }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        try expect(.object, [String: Any].self, "keyed decoding container")
        return KeyedDecodingContainer(JSONTapeKeyed<Key>(tape: tape, object: index))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        try expect(.array, [Any].self, "unkeyed decoding container")
        return JSONTapeUnkeyed(tape: tape, array: index)
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer {
        JSONTapeSingle(tape: tape, index: index)
    }

    private func expect(_ kind: JSONTape.Kind, _ type: Any.Type, _ what: String) throws {
        let found = tape.entries[index].kind
        guard found != kind else { return }
        guard found != .null else {
            throw DecodingError.valueNotFound(
                type, .init(codingPath: codingPath, debugDescription: "Cannot get \(what) -- found null value instead"))
        }
        throw JSONTapeErrors.mismatch(type, tape, index)
    }
}

/// The errors every container throws the same way.
enum JSONTapeErrors {
    static func mismatch(_ type: Any.Type, _ tape: JSONTape, _ index: Int) -> DecodingError {
        DecodingError.typeMismatch(
            type,
            .init(
                codingPath: tape.codingPath(to: index),
                debugDescription: "Expected to decode \(type) but found \(tape.describe(index)) instead."))
    }

    static func null(_ type: Any.Type, _ tape: JSONTape, _ index: Int) -> DecodingError {
        DecodingError.valueNotFound(
            type,
            .init(
                codingPath: tape.codingPath(to: index),
                debugDescription: "Expected \(type) value but found null instead."))
    }
}

/// A Swift value read straight from one tape entry.
protocol JSONTapeScalar {
    /// The entry as this type; nil if it is another kind or does not fit.
    static func value(in tape: JSONTape, at index: Int) -> Self?
}

extension JSONTapeScalar {
    static func read(_ tape: JSONTape, _ index: Int) throws -> Self {
        guard let value = value(in: tape, at: index) else { throw refusal(tape, index) }
        return value
    }

    /// The error for an entry that is not this scalar: null, another kind, or a number that
    /// does not fit.
    static func refusal(_ tape: JSONTape, _ index: Int) -> DecodingError {
        switch tape.entries[index].kind {
        case .null: return JSONTapeErrors.null(Self.self, tape, index)
        case .number where Self.self is any Numeric.Type:
            return DecodingError.dataCorrupted(
                .init(
                    codingPath: tape.codingPath(to: index),
                    debugDescription: "Parsed JSON number <\(tape.numberText(index))> does not fit in \(Self.self)."))
        default: return JSONTapeErrors.mismatch(Self.self, tape, index)
        }
    }
}

extension String: JSONTapeScalar {
    static func value(in tape: JSONTape, at index: Int) -> String? { tape.string(at: index) }
}

extension Bool: JSONTapeScalar {
    static func value(in tape: JSONTape, at index: Int) -> Bool? {
        switch tape.entries[index].kind {
        case .literalTrue: true
        case .literalFalse: false
        default: nil
        }
    }
}

extension Double: JSONTapeScalar {
    static func value(in tape: JSONTape, at index: Int) -> Double? { tape.double(at: index) }
}

extension Float: JSONTapeScalar {
    static func value(in tape: JSONTape, at index: Int) -> Float? {
        guard tape.entries[index].kind == .number, let value = Float(tape.numberText(index)), value.isFinite else {
            return nil
        }
        return value
    }
}

extension JSONTapeScalar where Self: FixedWidthInteger {
    static func value(in tape: JSONTape, at index: Int) -> Self? { tape.integer(Self.self, at: index) }
}

extension Int: JSONTapeScalar {}
extension Int8: JSONTapeScalar {}
extension Int16: JSONTapeScalar {}
extension Int32: JSONTapeScalar {}
extension Int64: JSONTapeScalar {}
extension UInt: JSONTapeScalar {}
extension UInt8: JSONTapeScalar {}
extension UInt16: JSONTapeScalar {}
extension UInt32: JSONTapeScalar {}
extension UInt64: JSONTapeScalar {}

/// The value where the decoder stands.
struct JSONTapeSingle: SingleValueDecodingContainer {
    let tape: JSONTape
    let index: Int
    var codingPath: [any CodingKey] { tape.codingPath(to: index) }

    func decodeNil() -> Bool { tape.entries[index].kind == .null }

    func decode(_ type: Bool.Type) throws -> Bool { try .read(tape, index) }
    func decode(_ type: String.Type) throws -> String { try .read(tape, index) }
    func decode(_ type: Double.Type) throws -> Double { try .read(tape, index) }
    func decode(_ type: Float.Type) throws -> Float { try .read(tape, index) }
    func decode(_ type: Int.Type) throws -> Int { try .read(tape, index) }
    func decode(_ type: Int8.Type) throws -> Int8 { try .read(tape, index) }
    func decode(_ type: Int16.Type) throws -> Int16 { try .read(tape, index) }
    func decode(_ type: Int32.Type) throws -> Int32 { try .read(tape, index) }
    func decode(_ type: Int64.Type) throws -> Int64 { try .read(tape, index) }
    func decode(_ type: UInt.Type) throws -> UInt { try .read(tape, index) }
    func decode(_ type: UInt8.Type) throws -> UInt8 { try .read(tape, index) }
    func decode(_ type: UInt16.Type) throws -> UInt16 { try .read(tape, index) }
    func decode(_ type: UInt32.Type) throws -> UInt32 { try .read(tape, index) }
    func decode(_ type: UInt64.Type) throws -> UInt64 { try .read(tape, index) }

    func decode<T: Decodable>(_ type: T.Type) throws -> T {
        try T(from: JSONTapeDecoding(tape: tape, index: index))
    }
}
