/// CRC-32C (Castagnoli), the checksum of every log record and snapshot. Software,
/// slicing by eight bytes; fast enough that checksumming never shows beside an fsync.
public struct CRC32C: Sendable {
    private static let polynomial: UInt32 = 0x82F6_3B78
    private static let tables: [[UInt32]] = {
        var tables = [[UInt32]](repeating: [UInt32](repeating: 0, count: 256), count: 8)
        for i in 0..<256 {
            var crc = UInt32(i)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ polynomial : crc >> 1 }
            tables[0][i] = crc
        }
        for i in 0..<256 {
            for t in 1..<8 {
                let previous = tables[t - 1][i]
                tables[t][i] = (previous >> 8) ^ tables[0][Int(previous & 0xff)]
            }
        }
        return tables
    }()

    private var state: UInt32 = 0xFFFF_FFFF

    public init() {}

    public var value: UInt32 { state ^ 0xFFFF_FFFF }

    public mutating func update(_ bytes: some Collection<UInt8>) {
        var crc = state
        let t = Self.tables
        bytes.withContiguousStorageIfAvailable { buffer in
            var i = 0
            let count = buffer.count
            while i + 8 <= count {
                let low = crc ^ (UInt32(buffer[i]) | UInt32(buffer[i + 1]) << 8 | UInt32(buffer[i + 2]) << 16 | UInt32(buffer[i + 3]) << 24)
                crc = t[7][Int(low & 0xff)] ^ t[6][Int(low >> 8 & 0xff)] ^ t[5][Int(low >> 16 & 0xff)] ^ t[4][Int(low >> 24)]
                    ^ t[3][Int(buffer[i + 4])] ^ t[2][Int(buffer[i + 5])] ^ t[1][Int(buffer[i + 6])] ^ t[0][Int(buffer[i + 7])]
                i += 8
            }
            while i < count {
                crc = (crc >> 8) ^ t[0][Int((crc ^ UInt32(buffer[i])) & 0xff)]
                i += 1
            }
        } ?? {
            for byte in bytes { crc = (crc >> 8) ^ t[0][Int((crc ^ UInt32(byte)) & 0xff)] }
        }()
        state = crc
    }

    public static func checksum(_ bytes: some Collection<UInt8>) -> UInt32 {
        var crc = CRC32C()
        crc.update(bytes)
        return crc.value
    }
}
