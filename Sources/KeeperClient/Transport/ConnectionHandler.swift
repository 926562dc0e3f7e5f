import KeeperFraming
import NIOCore

/// The end of one connection's pipeline: hands decoded frames and the connection's end
/// to the session driver, which lives on the same event loop.
final class ConnectionHandler: ChannelInboundHandler {
    typealias InboundIn = LengthPrefixedFrame

    private let id: ConnectionID
    private let driver: NIOLoopBoundBox<SessionDriver>

    init(id: ConnectionID, driver: NIOLoopBoundBox<SessionDriver>) {
        self.id = id
        self.driver = driver
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        // The client's decoder looks for no four-letter words: every frame is a packet.
        guard case .packet(let packet) = unwrapInboundIn(data) else { return }
        driver.value.onFrame(Array(packet.readableBytesView), on: id)
    }

    func channelInactive(context: ChannelHandlerContext) {
        driver.value.onConnectionClosed(id)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        driver.value.onConnectionError(error, on: id)
        context.close(promise: nil)
    }
}
