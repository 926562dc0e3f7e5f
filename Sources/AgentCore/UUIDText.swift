/// Sixteen bytes in the 8-4-4-4-12 hexadecimal form of a uuid.
enum UUIDText {
    static func format(_ bytes: [UInt8]) -> String {
        precondition(bytes.count == 16, "a uuid is 16 bytes, not \(bytes.count)")
        let digits = Array("0123456789abcdef")
        var text = ""
        for (index, byte) in bytes.enumerated() {
            if [4, 6, 8, 10].contains(index) { text.append("-") }
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0f)])
        }
        return text
    }
}
