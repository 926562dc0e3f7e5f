/// CRC-32C (Castagnoli), the checksum of every log record and snapshot. Software,
/// slicing by eight bytes over one flat table; fast enough that checksumming never shows
/// beside an fsync.
public struct CRC32C: Sendable {
    private static let polynomial: UInt32 = 0x82F6_3B78
    /// Eight tables of 256 entries, one after the other: entry `t * 256 + b`.
    private static let table: [UInt32] = {
        var table = [UInt32](repeating: 0, count: 8 * 256)
        for i in 0..<256 {
            var crc = UInt32(i)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ polynomial : crc >> 1 }
            table[i] = crc
        }
        for i in 0..<256 {
            for t in 1..<8 {
                let previous = table[(t - 1) * 256 + i]
                table[t * 256 + i] = (previous >> 8) ^ table[Int(previous & 0xff)]
            }
        }
        return table
    }()

    private var state: UInt32 = 0xFFFF_FFFF

    public init() {}

    public var value: UInt32 { state ^ 0xFFFF_FFFF }

    public mutating func update(_ bytes: some Collection<UInt8>) {
        let contiguous: Bool? = bytes.withContiguousStorageIfAvailable { buffer in
            state = Self.update(state, UnsafeRawBufferPointer(buffer))
            return true
        }
        if contiguous == nil {
            let array = Array(bytes)
            array.withUnsafeBytes { state = Self.update(state, $0) }
        }
    }

    public mutating func update(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { state = Self.update(state, $0) }
    }

    private static func update(_ start: UInt32, _ buffer: UnsafeRawBufferPointer) -> UInt32 {
        table.withUnsafeBufferPointer { t in
            var crc = start
            var i = 0
            let count = buffer.count
            while i + 8 <= count {
                let low =
                    crc
                    ^ (UInt32(buffer[i]) | UInt32(buffer[i + 1]) << 8 | UInt32(buffer[i + 2]) << 16 | UInt32(
                        buffer[i + 3]) << 24)
                let a = t[7 * 256 + Int(low & 0xff)] ^ t[6 * 256 + Int(low >> 8 & 0xff)]
                let b = t[5 * 256 + Int(low >> 16 & 0xff)] ^ t[4 * 256 + Int(low >> 24)]
                let c = t[3 * 256 + Int(buffer[i + 4])] ^ t[2 * 256 + Int(buffer[i + 5])]
                let d = t[256 + Int(buffer[i + 6])] ^ t[Int(buffer[i + 7])]
                crc = a ^ b ^ c ^ d
                i += 8
            }
            while i < count {
                crc = (crc >> 8) ^ t[Int((crc ^ UInt32(buffer[i])) & 0xff)]
                i += 1
            }
            return crc
        }
    }

    public static func checksum(_ bytes: some Collection<UInt8>) -> UInt32 {
        var crc = CRC32C()
        crc.update(bytes)
        return crc.value
    }
}
