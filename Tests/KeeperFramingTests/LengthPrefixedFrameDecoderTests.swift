import KeeperProtocol
import NIOCore
import NIOEmbedded
import NIOTestUtils
import Testing

@testable import KeeperFraming

@Suite("length-prefixed frame decoder")
struct LengthPrefixedFrameDecoderTests {
    /// Packets of the lengths that matter: empty, one byte, a hundred, and exactly the bound (300).
    private static let packets: [[UInt8]] = [[], [1], Array(0..<100), Array(repeating: 9, count: 300)]

    private static func framed(_ packet: [UInt8]) -> ByteBuffer {
        var buffer = ByteBuffer()
        buffer.writeInteger(Int32(packet.count))
        buffer.writeBytes(packet)
        return buffer
    }

    private static var pairs: [(ByteBuffer, [LengthPrefixedFrame])] {
        packets.map { (framed($0), [.packet(ByteBuffer(bytes: $0))]) }
    }

    @Test("packets come out whole, drip-fed a byte at a time or many in one buffer")
    func verifier() throws {
        try ByteToMessageDecoderVerifier.verifyDecoder(inputOutputPairs: Self.pairs) {
            LengthPrefixedFrameDecoder(lengthMax: 300, limit: "test")
        }
    }

    @Test("a server's decoder frames packets the same way")
    func verifierWithFourLetterWords() throws {
        // The verifier feeds the inputs in shuffled orders on one channel, so no input may
        // be a four-letter word here; a length's first byte is never a lowercase letter.
        try ByteToMessageDecoderVerifier.verifyDecoder(inputOutputPairs: Self.pairs) {
            LengthPrefixedFrameDecoder(lengthMax: 300, limit: "test", fourLetterWords: true)
        }
    }

    @Test("a length over the bound or below zero throws once its four bytes are in")
    func bound() throws {
        for length: Int32 in [301, -5, Int32.max, Int32.min] {
            let channel = EmbeddedChannel(
                handler: ByteToMessageHandler(LengthPrefixedFrameDecoder(lengthMax: 300, limit: "jute.maxbuffer")))
            var header = ByteBuffer()
            header.writeInteger(length)
            // Three bytes say nothing yet; the fourth decides, with no body sent.
            #expect(try channel.writeInbound(header.getSlice(at: 0, length: 3)!).isEmpty)
            #expect(throws: FrameLengthError(length: length, lengthMax: 300, limit: "jute.maxbuffer")) {
                try channel.writeInbound(header.getSlice(at: 3, length: 1)!)
            }
            _ = try? channel.finish()
        }
    }

    @Test("the error names the bound and the setting it comes from")
    func errorText() {
        let error = FrameLengthError(length: 5000, lengthMax: 4096, limit: "jute.maxbuffer")
        #expect("\(error)" == "frame length 5000 is outside 0...4096 (jute.maxbuffer)")
    }

    @Test("a four-letter word is recognised in the first four bytes, drip-fed or followed by packets")
    func fourLetterWord() throws {
        var input = ByteBuffer(string: "ruok")
        input.writeImmutableBuffer(Self.framed([7, 7]))
        let expected: [LengthPrefixedFrame] = [.fourLetterWord("ruok"), .packet(ByteBuffer(bytes: [7, 7]))]
        for chunk in [1, 3, input.readableBytes] {
            let channel = EmbeddedChannel(
                handler: ByteToMessageHandler(
                    LengthPrefixedFrameDecoder(lengthMax: 300, limit: "test", fourLetterWords: true)))
            var rest = input
            while let slice = rest.readSlice(length: min(chunk, rest.readableBytes)), slice.readableBytes > 0 {
                try channel.writeInbound(slice)
            }
            var decoded: [LengthPrefixedFrame] = []
            while let frame = try channel.readInbound(as: LengthPrefixedFrame.self) { decoded.append(frame) }
            #expect(decoded == expected, "in chunks of \(chunk)")
            #expect(try channel.finish().isClean)
        }
    }

    @Test("after the first four bytes a four-letter word is a length like any other")
    func fourLetterWordLater() throws {
        let channel = EmbeddedChannel(
            handler: ByteToMessageHandler(
                LengthPrefixedFrameDecoder(lengthMax: 300, limit: "test", fourLetterWords: true)))
        try channel.writeInbound(Self.framed([1]))
        #expect(try channel.readInbound(as: LengthPrefixedFrame.self) == .packet(ByteBuffer(bytes: [1])))
        let ruok = Int32(bitPattern: 0x7275_6f6b)
        #expect(throws: FrameLengthError(length: ruok, lengthMax: 300, limit: "test")) {
            try channel.writeInbound(ByteBuffer(string: "ruok"))
        }
        _ = try? channel.finish()
    }

    @Test("a client's decoder reads a four-letter word's bytes as a length")
    func noFourLetterWordsForClients() throws {
        let channel = EmbeddedChannel(
            handler: ByteToMessageHandler(LengthPrefixedFrameDecoder(lengthMax: 300, limit: "test")))
        #expect(throws: FrameLengthError.self) { try channel.writeInbound(ByteBuffer(string: "ruok")) }
        _ = try? channel.finish()
    }

    @Test("a partial packet at the end of the stream is dropped without an error")
    func partialAtEnd() throws {
        let channel = EmbeddedChannel(
            handler: ByteToMessageHandler(LengthPrefixedFrameDecoder(lengthMax: 300, limit: "test")))
        var input = Self.framed([1, 2])
        input.writeImmutableBuffer(Self.framed([3, 4, 5]).getSlice(at: 0, length: 6)!)
        try channel.writeInbound(input)
        #expect(try channel.readInbound(as: LengthPrefixedFrame.self) == .packet(ByteBuffer(bytes: [1, 2])))
        #expect(try channel.finish().isClean)
    }
}
