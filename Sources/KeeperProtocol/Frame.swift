/// Framing: every packet in either direction is a 4-byte big-endian length and that many
/// bytes. A length above `jute.maxbuffer` (plus a little room for headers, as ZooKeeper
/// allows) or below zero means the peer is broken or hostile, and the connection closes.
public enum Frame {
    /// ZooKeeper's default `jute.maxbuffer`: 1 MiB less one byte (0xfffff).
    public static let maxBufferDefault = 0xfffff
    /// What ZooKeeper adds to jute.maxbuffer for the fields around the data.
    public static let headerAllowance = 1024

    /// The four-letter words arrive where a length would be: their first four bytes read
    /// as a big-endian integer. Returns the word if `length` spells one.
    public static func fourLetterWord(_ length: Int32) -> String? {
        let v = UInt32(bitPattern: length)
        let bytes = [24, 16, 8, 0].map { UInt8(truncatingIfNeeded: v >> UInt32($0)) }
        guard bytes.allSatisfy({ $0 >= 0x61 && $0 <= 0x7a }) else { return nil }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// A whole packet: length prefix, then the records.
    public static func encode(_ body: (inout JuteWriter) -> Void) -> [UInt8] {
        var writer = JuteWriter(capacity: 128)
        writer.write(Int32(0))
        body(&writer)
        var bytes = writer.bytes
        let length = UInt32(bytes.count - 4)
        bytes[0] = UInt8(length >> 24)
        bytes[1] = UInt8(truncatingIfNeeded: length >> 16)
        bytes[2] = UInt8(truncatingIfNeeded: length >> 8)
        bytes[3] = UInt8(truncatingIfNeeded: length)
        return bytes
    }

    /// A request packet.
    public static func request(xid: Int32, _ request: Request) -> [UInt8] {
        encode { writer in
            RequestHeader(xid: xid, type: request.opCode).write(to: &writer)
            request.write(to: &writer)
        }
    }

    /// A reply packet; the body is left out when the header carries an error.
    public static func reply(_ header: ReplyHeader, _ response: Response) -> [UInt8] {
        encode { writer in
            header.write(to: &writer)
            if header.err == 0 { response.write(to: &writer) }
        }
    }

    /// A watch notification packet.
    public static func notification(_ event: WatcherEvent, zxid: Int64 = -1) -> [UInt8] {
        encode { writer in
            ReplyHeader(xid: SpecialXid.notification, zxid: zxid).write(to: &writer)
            event.write(to: &writer)
        }
    }
}
