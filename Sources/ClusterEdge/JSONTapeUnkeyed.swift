/// An array of the tape read element by element.
struct JSONTapeUnkeyed: UnkeyedDecodingContainer {
    let tape: JSONTape
    let array: Int
    /// The entry of the element `currentIndex`.
    private var element: Int
    private(set) var currentIndex = 0

    init(tape: JSONTape, array: Int) {
        self.tape = tape
        self.array = array
        self.element = array + 1
    }

    var codingPath: [any CodingKey] { tape.codingPath(to: array) }
    var count: Int? { Int(tape.entries[array].count) }
    var isAtEnd: Bool { currentIndex >= Int(tape.entries[array].count) }

    /// The entry of the next element, and a step past it.
    private mutating func next(_ type: Any.Type) throws -> Int {
        guard !isAtEnd else { throw atEnd(type) }
        let index = element
        element = tape.after(element)
        currentIndex += 1
        return index
    }

    private func atEnd(_ type: Any.Type) -> DecodingError {
        DecodingError.valueNotFound(
            type,
            .init(
                codingPath: codingPath + [JSONTapeKey(intValue: currentIndex)],
                debugDescription: "Unkeyed container is at end."))
    }

    mutating func decodeNil() throws -> Bool {
        guard !isAtEnd else { throw atEnd(Any?.self) }
        guard tape.entries[element].kind == .null else { return false }
        _ = try next(Any?.self)
        return true
    }

    private mutating func scalar<T: JSONTapeScalar>() throws -> T { try T.read(tape, try next(T.self)) }

    mutating func decode(_ type: Bool.Type) throws -> Bool { try scalar() }
    mutating func decode(_ type: String.Type) throws -> String { try scalar() }
    mutating func decode(_ type: Double.Type) throws -> Double { try scalar() }
    mutating func decode(_ type: Float.Type) throws -> Float { try scalar() }
    mutating func decode(_ type: Int.Type) throws -> Int { try scalar() }
    mutating func decode(_ type: Int8.Type) throws -> Int8 { try scalar() }
    mutating func decode(_ type: Int16.Type) throws -> Int16 { try scalar() }
    mutating func decode(_ type: Int32.Type) throws -> Int32 { try scalar() }
    mutating func decode(_ type: Int64.Type) throws -> Int64 { try scalar() }
    mutating func decode(_ type: UInt.Type) throws -> UInt { try scalar() }
    mutating func decode(_ type: UInt8.Type) throws -> UInt8 { try scalar() }
    mutating func decode(_ type: UInt16.Type) throws -> UInt16 { try scalar() }
    mutating func decode(_ type: UInt32.Type) throws -> UInt32 { try scalar() }
    mutating func decode(_ type: UInt64.Type) throws -> UInt64 { try scalar() }

    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T {
        try T(from: JSONTapeDecoding(tape: tape, index: try next(T.self)))
    }

    mutating func nestedContainer<NestedKey: CodingKey>(
        keyedBy type: NestedKey.Type
    ) throws -> KeyedDecodingContainer<NestedKey> {
        try JSONTapeDecoding(tape: tape, index: try next(KeyedDecodingContainer<NestedKey>.self)).container(
            keyedBy: type)
    }

    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
        try JSONTapeDecoding(tape: tape, index: try next([Any].self)).unkeyedContainer()
    }

    mutating func superDecoder() throws -> any Decoder {
        JSONTapeDecoding(tape: tape, index: try next((any Decoder).self))
    }
}
