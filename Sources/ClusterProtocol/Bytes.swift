extension Mesos {
    /// A proto `bytes` field (`data`, `uuid`): raw bytes, in JSON a standard base64 string
    /// (RFC 4648 section 4, with padding), as protobuf's JSON mapping writes them.
    public struct Bytes: Hashable, Sendable, Codable, CustomStringConvertible, ExpressibleByArrayLiteral {
        public var bytes: [UInt8]

        public init(_ bytes: [UInt8]) {
            self.bytes = bytes
        }

        public init(arrayLiteral elements: UInt8...) {
            bytes = elements
        }

        /// The UTF-8 bytes of `text`.
        public init(utf8 text: String) {
            bytes = Array(text.utf8)
        }

        /// Decodes base64 text; throws `Base64Error` naming what is wrong.
        public init(base64 text: String) throws(Base64Error) {
            bytes = try Base64.decode(text)
        }

        public var base64: String { Base64.encode(bytes) }
        public var count: Int { bytes.count }
        public var isEmpty: Bool { bytes.isEmpty }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            let text = try container.decode(String.self)
            do {
                bytes = try Base64.decode(text)
            } catch {
                throw Swift.DecodingError.dataCorrupted(
                    Swift.DecodingError.Context(
                        codingPath: decoder.codingPath, debugDescription: "bad base64: \(error.message)"))
            }
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            try container.encode(base64)
        }

        public var description: String { base64 }
    }
}

extension Mesos {
    /// Standard base64 (RFC 4648 section 4): the alphabet `A-Z a-z 0-9 + /`, padded with `=` to a
    /// multiple of four characters. Decoding is strict — no whitespace, no URL-safe alphabet,
    /// padding exactly where it belongs, and unused bits of the last character zero — so that
    /// each byte string has exactly one accepted text.
    public enum Base64 {
        private static let alphabet: [UInt8] = Array(
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
        private static let padding = UInt8(ascii: "=")

        /// Each ASCII byte's six-bit value, or 0xFF for a byte outside the alphabet.
        private static let values: [UInt8] = {
            var table = [UInt8](repeating: 0xFF, count: 256)
            for (index, character) in alphabet.enumerated() { table[Int(character)] = UInt8(index) }
            return table
        }()

        public static func encode(_ bytes: [UInt8]) -> String {
            var output: [UInt8] = []
            output.reserveCapacity((bytes.count + 2) / 3 * 4)
            var index = 0
            while index + 3 <= bytes.count {
                let group = UInt32(bytes[index]) << 16 | UInt32(bytes[index + 1]) << 8 | UInt32(bytes[index + 2])
                for shift in [18, 12, 6, 0] { output.append(alphabet[Int(group >> UInt32(shift) & 0x3F)]) }
                index += 3
            }
            switch bytes.count - index {
            case 1:
                let group = UInt32(bytes[index]) << 16
                output += [alphabet[Int(group >> 18 & 0x3F)], alphabet[Int(group >> 12 & 0x3F)], padding, padding]
            case 2:
                let group = UInt32(bytes[index]) << 16 | UInt32(bytes[index + 1]) << 8
                output += [
                    alphabet[Int(group >> 18 & 0x3F)], alphabet[Int(group >> 12 & 0x3F)],
                    alphabet[Int(group >> 6 & 0x3F)], padding,
                ]
            default:
                break
            }
            return String(decoding: output, as: UTF8.self)
        }

        public static func decode(_ text: String) throws(Base64Error) -> [UInt8] {
            let input = Array(text.utf8)
            guard input.count % 4 == 0 else {
                throw Base64Error(message: "length \(input.count) is not a multiple of 4")
            }
            var output: [UInt8] = []
            output.reserveCapacity(input.count / 4 * 3)
            var index = 0
            while index < input.count {
                let isLast = index + 4 == input.count
                let paddingCount =
                    isLast ? (input[index + 3] == padding ? (input[index + 2] == padding ? 2 : 1) : 0) : 0
                var group: UInt32 = 0
                for offset in 0..<4 {
                    let character = input[index + offset]
                    if offset >= 4 - paddingCount {
                        group <<= 6
                        continue
                    }
                    let value = values[Int(character)]
                    guard value != 0xFF else {
                        throw Base64Error(message: badCharacter(character, at: index + offset))
                    }
                    group = group << 6 | UInt32(value)
                }
                let bytes = [UInt8(group >> 16 & 0xFF), UInt8(group >> 8 & 0xFF), UInt8(group & 0xFF)]
                // The bits of the last character that no byte takes must be zero: otherwise two
                // texts would decode to the same bytes.
                guard paddingCount == 0 || bytes[3 - paddingCount] == 0 else {
                    throw Base64Error(
                        message: "non-zero bits after the last byte at offset \(index + 3 - paddingCount)")
                }
                output += bytes.prefix(3 - paddingCount)
                index += 4
            }
            return output
        }

        private static func badCharacter(_ character: UInt8, at offset: Int) -> String {
            if character == padding { return "padding '=' in the middle, at offset \(offset)" }
            if character >= 0x20 && character < 0x7F {
                return "character '\(String(decoding: [character], as: UTF8.self))' at offset \(offset) is not base64"
            }
            return "byte 0x\(String(character, radix: 16)) at offset \(offset) is not base64"
        }
    }

    /// Base64 text that is not standard, padded base64.
    public struct Base64Error: Error, Hashable, Sendable, CustomStringConvertible {
        public var message: String

        public init(message: String) {
            self.message = message
        }

        public var description: String { message }
    }
}
