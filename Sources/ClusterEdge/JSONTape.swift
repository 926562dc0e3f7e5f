/// A JSON document parsed once into a flat list of its values in document order (a
/// "tape"), each entry naming its bytes; strings and numbers are converted only when a
/// decoder asks for them. An object's entry is followed by its members, each a key entry and
/// then the value's entries; an array's by its elements' entries. A container's entry records
/// the index after its last descendant, so a reader steps over a member without looking
/// inside, and every entry records its container, so a coding path is rebuilt from the tape
/// when an error needs one.
///
/// Parsing validates the whole document as RFC 8259 JSON, as Foundation's parser does: any
/// value at the top level, no comments, no control characters inside strings, UTF-8 checked,
/// at most `maximumDepth` nested containers (deeper input is refused, never recursed into);
/// like Foundation's, it lets one trailing comma close an object or array.
final class JSONTape {
    enum Kind: UInt8 {
        case object, array, string, escapedString, number, literalTrue, literalFalse, null
    }

    struct Entry {
        var kind: Kind
        /// The value's first byte; a string's first byte inside its quotes.
        var start: Int32
        /// A scalar's end byte (a string's closing quote); for a container, the index of the
        /// entry after its last descendant.
        var end: Int32
        /// An object's members or an array's elements.
        var count: Int32
        /// The entry of the container holding this value (a key or value); -1 at the top.
        var parent: Int32
    }

    /// Foundation's JSONDecoder refuses deeper documents too.
    static let maximumDepth = 512

    let bytes: [UInt8]
    let entries: [Entry]

    init(parsing bytes: [UInt8]) throws(JSONSyntaxError) {
        guard bytes.count < Int(Int32.max) else { throw JSONSyntaxError(offset: 0, problem: "document over 2 GiB") }
        var parser = JSONTapeParser(bytes: bytes)
        try parser.document()
        self.bytes = bytes
        self.entries = parser.entries
    }

    /// The entry after `index` and everything inside it.
    func after(_ index: Int) -> Int {
        let entry = entries[index]
        switch entry.kind {
        case .object, .array: return Int(entry.end)
        default: return index + 1
        }
    }

    func range(_ index: Int) -> Range<Int> { Int(entries[index].start)..<Int(entries[index].end) }
}

/// Where and why a document is not JSON.
struct JSONSyntaxError: Error, CustomStringConvertible {
    var offset: Int
    var problem: String

    var description: String { "\(problem) at byte \(offset)" }
}

/// One pass over the bytes, with an explicit stack of open containers.
struct JSONTapeParser {
    let bytes: [UInt8]
    var position = 0
    var entries: [JSONTape.Entry] = []
    /// The entries of the containers still open, innermost last.
    var open: [Int] = []

    init(bytes: [UInt8]) {
        self.bytes = bytes
        entries.reserveCapacity(bytes.count / 8)
    }

    mutating func document() throws(JSONSyntaxError) {
        try value(parent: -1)
        while let container = open.last {
            try continueContainer(container)
        }
        skipWhitespace()
        guard position == bytes.count else { throw failure("unexpected text after the document") }
    }

    /// Closes the container, or reads its next member or element.
    private mutating func continueContainer(_ container: Int) throws(JSONSyntaxError) {
        let isObject = entries[container].kind == .object
        skipWhitespace()
        guard position < bytes.count else { throw failure("unexpected end inside an \(isObject ? "object" : "array")") }
        if bytes[position] == (isObject ? UInt8(ascii: "}") : UInt8(ascii: "]")) {
            position += 1
            entries[container].end = Int32(entries.count)
            open.removeLast()
            return
        }
        if entries[container].count > 0 {
            try expect(UInt8(ascii: ","), "expected ',' or the container's end")
            skipWhitespace()
            // A trailing comma: Foundation's parser accepts one, so this one does too.
            if at(isObject ? UInt8(ascii: "}") : UInt8(ascii: "]")) { return }
        }
        if isObject {
            guard position < bytes.count, bytes[position] == UInt8(ascii: "\"") else { throw failure("expected a key") }
            try string(parent: container)
            skipWhitespace()
            try expect(UInt8(ascii: ":"), "expected ':' after a key")
        }
        entries[container].count += 1
        try value(parent: container)
    }

    /// A scalar, whole, or the opening of a container.
    private mutating func value(parent: Int) throws(JSONSyntaxError) {
        skipWhitespace()
        guard position < bytes.count else { throw failure("unexpected end of the document") }
        switch bytes[position] {
        case UInt8(ascii: "{"): try openContainer(.object, parent: parent)
        case UInt8(ascii: "["): try openContainer(.array, parent: parent)
        case UInt8(ascii: "\""): try string(parent: parent)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): try number(parent: parent)
        case UInt8(ascii: "t"): try literal("true", .literalTrue, parent: parent)
        case UInt8(ascii: "f"): try literal("false", .literalFalse, parent: parent)
        case UInt8(ascii: "n"): try literal("null", .null, parent: parent)
        default: throw failure("unexpected character")
        }
    }

    private mutating func openContainer(_ kind: JSONTape.Kind, parent: Int) throws(JSONSyntaxError) {
        guard open.count < JSONTape.maximumDepth else {
            throw failure("nested deeper than \(JSONTape.maximumDepth) containers")
        }
        open.append(entries.count)
        append(kind, start: position, end: position, parent: parent)
        position += 1
    }

    private mutating func string(parent: Int) throws(JSONSyntaxError) {
        let start = position + 1
        var escaped = false
        position = start
        while position < bytes.count {
            switch bytes[position] {
            case UInt8(ascii: "\""):
                append(escaped ? .escapedString : .string, start: start, end: position, parent: parent)
                position += 1
                return
            case UInt8(ascii: "\\"):
                escaped = true
                try escape()
            case 0..<0x20: throw failure("control character inside a string")
            case 0x80...: try utf8Sequence()
            default: position += 1
            }
        }
        throw failure("unterminated string")
    }

    /// Checks the escape at `position` (its backslash) and steps past it.
    private mutating func escape() throws(JSONSyntaxError) {
        guard position + 1 < bytes.count else { throw failure("unterminated string") }
        switch bytes[position + 1] {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
            UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
            position += 2
        case UInt8(ascii: "u"):
            switch try unicodeEscape() {
            case 0xD800..<0xDC00:
                guard at(UInt8(ascii: "\\")), (0xDC00..<0xE000).contains(try unicodeEscape()) else {
                    throw failure("a high surrogate escape without its low surrogate")
                }
            case 0xDC00..<0xE000: throw failure("a low surrogate escape alone")
            default: break
            }
        default: throw failure("invalid escape")
        }
    }

    /// The value of the `\\uXXXX` at `position`, stepping past it.
    private mutating func unicodeEscape() throws(JSONSyntaxError) -> UInt32 {
        guard position + 6 <= bytes.count, bytes[position + 1] == UInt8(ascii: "u"),
            bytes[position + 2..<position + 6].allSatisfy(\.isHexDigit)
        else { throw failure("\\u not followed by four hex digits") }
        position += 6
        return JSONTape.hex4(bytes, position - 4)
    }

    /// Checks the multi-byte UTF-8 sequence at `position` (RFC 3629: no overlong forms, no
    /// surrogates, nothing past U+10FFFF) and steps past it.
    private mutating func utf8Sequence() throws(JSONSyntaxError) {
        let lead = bytes[position]
        let (length, low, high): (Int, UInt8, UInt8) =
            switch lead {
            case 0xC2...0xDF: (2, 0x80, 0xBF)
            case 0xE0: (3, 0xA0, 0xBF)
            case 0xE1...0xEC, 0xEE...0xEF: (3, 0x80, 0xBF)
            case 0xED: (3, 0x80, 0x9F)
            case 0xF0: (4, 0x90, 0xBF)
            case 0xF1...0xF3: (4, 0x80, 0xBF)
            case 0xF4: (4, 0x80, 0x8F)
            default: throw failure("invalid UTF-8")
            }
        guard position + length <= bytes.count, (low...high).contains(bytes[position + 1]),
            bytes[position + 2..<position + length].allSatisfy({ $0 & 0xC0 == 0x80 })
        else { throw failure("invalid UTF-8") }
        position += length
    }

    /// `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`
    private mutating func number(parent: Int) throws(JSONSyntaxError) {
        let start = position
        if bytes[position] == UInt8(ascii: "-") { position += 1 }
        if at(UInt8(ascii: "0")) {
            position += 1
        } else {
            guard digits() > 0 else { throw failure("a number without digits") }
        }
        if at(UInt8(ascii: ".")) {
            position += 1
            guard digits() > 0 else { throw failure("no digits after a decimal point") }
        }
        if at(UInt8(ascii: "e")) || at(UInt8(ascii: "E")) {
            position += 1
            if at(UInt8(ascii: "+")) || at(UInt8(ascii: "-")) { position += 1 }
            guard digits() > 0 else { throw failure("no digits in an exponent") }
        }
        append(.number, start: start, end: position, parent: parent)
    }

    private mutating func digits() -> Int {
        let start = position
        while position < bytes.count, bytes[position].isDecimalDigit { position += 1 }
        return position - start
    }

    private mutating func literal(_ text: StaticString, _ kind: JSONTape.Kind, parent: Int) throws(JSONSyntaxError) {
        let length = text.utf8CodeUnitCount
        guard position + length <= bytes.count,
            text.withUTF8Buffer({ $0.elementsEqual(bytes[position..<position + length]) })
        else { throw failure("unexpected character") }
        append(kind, start: position, end: position + length, parent: parent)
        position += length
    }

    private mutating func append(_ kind: JSONTape.Kind, start: Int, end: Int, parent: Int) {
        entries.append(
            JSONTape.Entry(kind: kind, start: Int32(start), end: Int32(end), count: 0, parent: Int32(parent)))
    }

    private func at(_ byte: UInt8) -> Bool { position < bytes.count && bytes[position] == byte }

    private mutating func expect(_ byte: UInt8, _ problem: String) throws(JSONSyntaxError) {
        guard at(byte) else { throw failure(problem) }
        position += 1
    }

    private mutating func skipWhitespace() {
        while position < bytes.count {
            switch bytes[position] {
            case UInt8(ascii: " "), UInt8(ascii: "\n"), UInt8(ascii: "\r"), UInt8(ascii: "\t"): position += 1
            default: return
            }
        }
    }

    private func failure(_ problem: String) -> JSONSyntaxError { JSONSyntaxError(offset: position, problem: problem) }
}

extension UInt8 {
    var isDecimalDigit: Bool { self &- UInt8(ascii: "0") < 10 }

    var isHexDigit: Bool {
        isDecimalDigit || (self | 0x20) &- UInt8(ascii: "a") < 6
    }
}
