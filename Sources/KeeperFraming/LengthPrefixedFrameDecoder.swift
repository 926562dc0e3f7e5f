import KeeperProtocol
import NIOCore

/// What the decoder cuts from a connection's byte stream.
public enum LengthPrefixedFrame: Equatable, Sendable {
    /// One packet: the bytes after its 4-byte length.
    case packet(ByteBuffer)
    /// A four-letter word ("ruok", "srvr", ...) sent where the connection's first length
    /// would be. Only a server's decoder looks for them.
    case fourLetterWord(String)
}

/// A length outside `0...lengthMax`: the peer is broken or hostile. The decoder throws it
/// as soon as the 4-byte length is in, before buffering any of the body, and the
/// connection closes.
public struct FrameLengthError: Error, Hashable, CustomStringConvertible {
    public let length: Int32
    public let lengthMax: Int
    /// The setting that bounds the length, for the message (`jute.maxbuffer`).
    public let limit: String

    public var description: String { "frame length \(length) is outside 0...\(lengthMax) (\(limit))" }
}

/// The framing of ZooKeeper's client port, in both directions: a 4-byte big-endian
/// length, then that many bytes (`Frame` in KeeperProtocol writes it). The server, the
/// client and the load generator all read their peer's packets with this decoder.
///
/// A server's decoder also recognises the four-letter words: ZooKeeper reads them in
/// place of the first length of a connection, four lowercase letters, so only the very
/// first four bytes are looked at. Later, the same bytes are a length like any other.
///
/// A partial packet at the end of the stream is dropped (NIO's default `decodeLast`): the
/// connection is gone, and so is whoever would have answered it.
public struct LengthPrefixedFrameDecoder: ByteToMessageDecoder {
    public typealias InboundOut = LengthPrefixedFrame

    public let lengthMax: Int
    public let limit: String
    /// True until the first four bytes have been read, when four-letter words are wanted.
    private var expectsFourLetterWord: Bool

    /// - Parameters:
    ///   - lengthMax: the largest packet accepted; a longer one (or a negative length) throws.
    ///   - limit: the name of the setting `lengthMax` comes from, for the error message.
    ///   - fourLetterWords: whether the connection's first four bytes may be a four-letter word.
    public init(lengthMax: Int, limit: String, fourLetterWords: Bool = false) {
        self.lengthMax = lengthMax
        self.limit = limit
        self.expectsFourLetterWord = fourLetterWords
    }

    public mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let length = buffer.getInteger(at: buffer.readerIndex, as: Int32.self) else { return .needMoreData }
        if expectsFourLetterWord {
            expectsFourLetterWord = false
            if let word = Frame.fourLetterWord(length) {
                buffer.moveReaderIndex(forwardBy: 4)
                context.fireChannelRead(Self.wrapInboundOut(.fourLetterWord(word)))
                return .continue
            }
        }
        guard length >= 0, Int(length) <= lengthMax else {
            throw FrameLengthError(length: length, lengthMax: lengthMax, limit: limit)
        }
        guard buffer.readableBytes >= 4 + Int(length) else { return .needMoreData }
        buffer.moveReaderIndex(forwardBy: 4)
        context.fireChannelRead(Self.wrapInboundOut(.packet(buffer.readSlice(length: Int(length))!)))
        return .continue
    }
}
