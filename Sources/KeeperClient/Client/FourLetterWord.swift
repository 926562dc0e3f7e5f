import NIOCore
import NIOPosix

/// Asks a server a four-letter word (`srvr`, `mntr`, …) on its client port and returns the
/// whole answer; the server closes the connection when it has written it.
public enum FourLetterWord {
    /// The most an answer may be; more is cut off.
    public static let answerMax = 1 << 20

    public static func ask(_ word: String, host: String, port: Int, timeout: Duration = .seconds(3)) async throws
        -> String
    {
        let collector = AnswerCollector()
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connectTimeout(
                .milliseconds(
                    Int64(timeout.components.seconds * 1000 + timeout.components.attoseconds / 1_000_000_000_000_000))
            )
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(collector) }
            }
            .connect(host: host, port: port).get()
        try await channel.writeAndFlush(channel.allocator.buffer(string: word)).get()
        let deadline = channel.eventLoop.scheduleTask(
            in: .nanoseconds(Int64(timeout.components.seconds) * 1_000_000_000)
        ) {
            channel.close(promise: nil)
        }
        try await channel.closeFuture.get()
        deadline.cancel()
        return try await channel.eventLoop.submit { collector.text }.get()
    }
}

private final class AnswerCollector: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = ByteBuffer
    /// Touched on the channel's event loop only.
    private var bytes: [UInt8] = []

    var text: String { String(decoding: bytes, as: UTF8.self) }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var buffer = unwrapInboundIn(data)
        let room = FourLetterWord.answerMax - bytes.count
        if room > 0, let chunk = buffer.readBytes(length: min(room, buffer.readableBytes)) { bytes += chunk }
    }
}
