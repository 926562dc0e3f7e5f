/// Reading one value of the tape as a Swift value, and naming where it sits.
extension JSONTape {
    /// A string value or key, unescaped (the parser has checked its UTF-8 and its escapes);
    /// nil if it is not a string.
    func string(at index: Int) -> String? {
        switch entries[index].kind {
        case .string:
            return bytes.withUnsafeBufferPointer { all in
                String(decoding: UnsafeBufferPointer(rebasing: all[range(index)]), as: UTF8.self)
            }
        case .escapedString: return String(decoding: unescape(range(index)), as: UTF8.self)
        default: return nil
        }
    }

    /// Whether the key entry at `index` spells `name`, compared byte by byte unless escaped.
    func key(_ index: Int, equals name: String) -> Bool {
        guard entries[index].kind == .string else { return string(at: index) == name }
        let keyRange = range(index)
        var name = name
        return name.withUTF8 { wanted in
            guard wanted.count == keyRange.count else { return false }
            return bytes.withUnsafeBufferPointer { all in
                var offset = 0
                while offset < wanted.count, wanted[offset] == all[keyRange.lowerBound + offset] { offset += 1 }
                return offset == wanted.count
            }
        }
    }

    /// The number at `index` as `T` when it is exactly one: an integer literal in range (one
    /// out of range is refused, not rounded), or a fraction or exponent form of an integral
    /// value in range (`1.0`, `1e3`).
    func integer<T: FixedWidthInteger>(_ type: T.Type, at index: Int) -> T? {
        guard entries[index].kind == .number else { return nil }
        let digits = range(index)
        guard bytes[digits].contains(where: { !$0.isDecimalDigit && $0 != UInt8(ascii: "-") }) else {
            return integerLiteral(T.self, digits)
        }
        return exactInteger(T.self, digits)
    }

    /// A number with a fraction or exponent as `T`, if its exact decimal value is an integer
    /// in range: `2.50e1` is 25; `9.2233720368547758072e16` is no integer, though the nearest
    /// double is one.
    private func exactInteger<T: FixedWidthInteger>(_ type: T.Type, _ text: Range<Int>) -> T? {
        var offset = text.lowerBound
        let negative = bytes[offset] == UInt8(ascii: "-")
        if negative { offset += 1 }
        var significand: [UInt8] = []
        var exponent = 0
        var inFraction = false
        while offset < text.upperBound, bytes[offset] != UInt8(ascii: "e"), bytes[offset] != UInt8(ascii: "E") {
            if bytes[offset] == UInt8(ascii: ".") {
                inFraction = true
            } else {
                significand.append(bytes[offset] &- UInt8(ascii: "0"))
                if inFraction { exponent -= 1 }
            }
            offset += 1
        }
        if offset < text.upperBound {
            guard let written = Int(String(decoding: bytes[offset + 1..<text.upperBound], as: UTF8.self)),
                written.magnitude < 1_000
            else { return significand.allSatisfy { $0 == 0 } ? 0 : nil }
            exponent += written
        }
        while exponent < 0, significand.last == 0 {
            significand.removeLast()
            exponent += 1
        }
        guard exponent >= 0 || significand.allSatisfy({ $0 == 0 }) else { return nil }
        if exponent < 0 { return 0 }
        significand += repeatElement(0, count: exponent)
        var value: T = 0
        for digit in significand {
            let (shifted, overflowShift) = value.multipliedReportingOverflow(by: 10)
            let (next, overflowAdd) =
                negative ? shifted.subtractingReportingOverflow(T(digit)) : shifted.addingReportingOverflow(T(digit))
            guard !overflowShift, !overflowAdd else { return nil }
            value = next
        }
        return value
    }

    /// The number at `index` as the nearest double; nil if it is not a number or overflows.
    func double(at index: Int) -> Double? {
        guard entries[index].kind == .number else { return nil }
        let numberRange = range(index)
        if numberRange.count <= 15, let small = integerLiteral(Int64.self, numberRange) { return Double(small) }
        guard let value = Double(numberText(index)), value.isFinite else { return nil }
        // Underflow: nonzero digits that round to zero are refused too, as Foundation does.
        guard value != 0 || isZero(numberRange) else { return nil }
        return value
    }

    /// Whether the significand's digits are all zeros.
    private func isZero(_ number: Range<Int>) -> Bool {
        for byte in bytes[number] {
            if byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E") { return true }
            if byte.isDecimalDigit && byte != UInt8(ascii: "0") { return false }
        }
        return true
    }

    func numberText(_ index: Int) -> String { String(decoding: bytes[range(index)], as: UTF8.self) }

    /// "a string", "a number", … for a type-mismatch message.
    func describe(_ index: Int) -> String {
        switch entries[index].kind {
        case .object: "a dictionary"
        case .array: "an array"
        case .string, .escapedString: "a string"
        case .number: "a number"
        case .literalTrue, .literalFalse: "a bool"
        case .null: "null"
        }
    }

    /// The keys and indices from the top of the document to the value at `index`.
    func codingPath(to index: Int) -> [any CodingKey] {
        var path: [any CodingKey] = []
        var child = index
        while entries[child].parent >= 0 {
            let parent = Int(entries[child].parent)
            if entries[parent].kind == .object {
                path.append(JSONTapeKey(stringValue: string(at: child - 1) ?? ""))
            } else {
                path.append(JSONTapeKey(intValue: position(of: child, in: parent)))
            }
            child = parent
        }
        return path.reversed()
    }

    private func position(of element: Int, in array: Int) -> Int {
        var position = 0
        var next = array + 1
        while next < element {
            next = after(next)
            position += 1
        }
        return position
    }

    private func integerLiteral<T: FixedWidthInteger>(_ type: T.Type, _ digits: Range<Int>) -> T? {
        var offset = digits.lowerBound
        let negative = bytes[offset] == UInt8(ascii: "-")
        if negative { offset += 1 }
        var value: T = 0
        while offset < digits.upperBound {
            let digit = bytes[offset] &- UInt8(ascii: "0")
            guard digit < 10 else { return nil }
            let (shifted, overflowShift) = value.multipliedReportingOverflow(by: 10)
            let (next, overflowAdd) =
                negative
                ? shifted.subtractingReportingOverflow(T(digit)) : shifted.addingReportingOverflow(T(digit))
            guard !overflowShift, !overflowAdd else { return nil }
            value = next
            offset += 1
        }
        return value
    }

    /// The bytes of a string whose escapes the parser has checked (surrogates come in pairs).
    private func unescape(_ escaped: Range<Int>) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(escaped.count)
        var offset = escaped.lowerBound
        while offset < escaped.upperBound {
            guard bytes[offset] == UInt8(ascii: "\\") else {
                out.append(bytes[offset])
                offset += 1
                continue
            }
            let letter = bytes[offset + 1]
            offset += 2
            switch letter {
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "u"):
                var scalar = Self.hex4(bytes, offset)
                offset += 4
                if (0xD800..<0xDC00).contains(scalar) {
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (Self.hex4(bytes, offset + 2) - 0xDC00)
                    offset += 6
                }
                out.append(contentsOf: String(Character(Unicode.Scalar(scalar) ?? "\u{FFFD}")).utf8)
            default: out.append(letter)
            }
        }
        return out
    }

    /// The four hex digits at `offset`.
    static func hex4(_ bytes: [UInt8], _ offset: Int) -> UInt32 {
        var value: UInt32 = 0
        for byte in bytes[offset..<offset + 4] {
            let digit = byte.isDecimalDigit ? byte &- UInt8(ascii: "0") : (byte | 0x20) &- UInt8(ascii: "a") &+ 10
            value = value << 4 | UInt32(digit)
        }
        return value
    }
}

/// A key or index in a coding path rebuilt from the tape.
struct JSONTapeKey: CodingKey {
    var stringValue: String
    var intValue: Int?

    init(stringValue: String) {
        self.stringValue = stringValue
        self.intValue = nil
    }

    init(intValue: Int) {
        self.stringValue = "Index \(intValue)"
        self.intValue = intValue
    }
}
