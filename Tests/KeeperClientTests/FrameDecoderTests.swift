import KeeperProtocol
import NIOCore
import NIOTestUtils
import Testing

@testable import KeeperClient

@Suite("Frame decoder")
struct FrameDecoderTests {
    @Test("frames come out whole, drip-fed or many in one buffer")
    func verifier() throws {
        let frames: [[UInt8]] = [[], [1], Array(repeating: 9, count: 300)]
        let inputs = frames.map { frame -> (ByteBuffer, [[UInt8]]) in
            var buffer = ByteBuffer()
            buffer.writeInteger(Int32(frame.count))
            buffer.writeBytes(frame)
            return (buffer, [frame])
        }
        try ByteToMessageDecoderVerifier.verifyDecoder(inputOutputPairs: inputs) {
            FrameDecoder(lengthMax: 1_000)
        }
    }

    @Test("a length above the bound or below zero is refused")
    func bound() throws {
        for length: Int32 in [1_001, -5] {
            var buffer = ByteBuffer()
            buffer.writeInteger(length)
            #expect(throws: FrameDecoder.FrameLengthError.self) {
                try ByteToMessageDecoderVerifier.verifyDecoder(inputOutputPairs: [(buffer, [[UInt8]]())]) {
                    FrameDecoder(lengthMax: 1_000)
                }
            }
        }
    }
}
