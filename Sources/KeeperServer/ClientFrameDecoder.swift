import KeeperProtocol
import NIOCore

/// What arrives on a client connection: a four-letter word (only as the very first bytes)
/// or a length-prefixed frame.
enum ClientFrame: Equatable {
    case fourLetterWord(String)
    case frame([UInt8])
}

/// A frame whose length is negative or over jute.maxbuffer: the peer is broken or hostile.
struct FrameTooLarge: Error, CustomStringConvertible {
    let length: Int32
    let limit: Int
    var description: String { "frame length \(length) is outside 0...\(limit) (jute.maxbuffer)" }
}

/// Splits the byte stream into frames, refusing any frame over the limit before buffering it.
final class ClientFrameDecoder: ByteToMessageDecoder {
    typealias InboundOut = ClientFrame

    private let maxLength: Int
    private var isFirst = true

    init(maxLength: Int) {
        self.maxLength = maxLength
    }

    func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let length = buffer.getInteger(at: buffer.readerIndex, as: Int32.self) else { return .needMoreData }
        if isFirst {
            isFirst = false
            if let word = Frame.fourLetterWord(length) {
                buffer.moveReaderIndex(forwardBy: 4)
                context.fireChannelRead(wrapInboundOut(.fourLetterWord(word)))
                return .continue
            }
        }
        guard length >= 0, Int(length) <= maxLength else { throw FrameTooLarge(length: length, limit: maxLength) }
        guard buffer.readableBytes >= 4 + Int(length) else { return .needMoreData }
        buffer.moveReaderIndex(forwardBy: 4)
        let bytes = buffer.readBytes(length: Int(length))!
        context.fireChannelRead(wrapInboundOut(.frame(bytes)))
        return .continue
    }
}
