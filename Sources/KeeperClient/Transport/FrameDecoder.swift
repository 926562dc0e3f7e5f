import NIOCore

/// Cuts the byte stream from a server into frames: a 4-byte big-endian length, then that
/// many bytes. A length below zero or above `lengthMax` means a broken or hostile peer
/// (ZooKeeper's client says "Packet len is out of range"); the decoder throws and the
/// connection is closed rather than buffering an unbounded frame.
struct FrameDecoder: ByteToMessageDecoder {
    typealias InboundOut = [UInt8]

    struct FrameLengthError: Error, Hashable, CustomStringConvertible {
        let length: Int32
        let lengthMax: Int
        var description: String { "Packet len \(length) is out of range (0...\(lengthMax))" }
    }

    let lengthMax: Int

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let length = buffer.getInteger(at: buffer.readerIndex, as: Int32.self) else { return .needMoreData }
        guard length >= 0, Int(length) <= lengthMax else {
            throw FrameLengthError(length: length, lengthMax: lengthMax)
        }
        guard buffer.readableBytes >= 4 + Int(length) else { return .needMoreData }
        buffer.moveReaderIndex(forwardBy: 4)
        let frame = buffer.readBytes(length: Int(length)) ?? []
        context.fireChannelRead(Self.wrapInboundOut(frame))
        return .continue
    }

    mutating func decodeLast(
        context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool
    ) throws -> DecodingState {
        // A partial frame at EOF is just dropped: the connection is gone either way.
        while try decode(context: context, buffer: &buffer) == .continue {}
        return .needMoreData
    }
}
