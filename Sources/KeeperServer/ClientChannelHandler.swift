import KeeperFraming
import KeeperNode
import KeeperProtocol
import Logging
import NIOCore

/// The thin handler between one client connection and the node: it decodes the
/// ConnectRequest and the requests after it and hands them over; everything else is the
/// node's business. A frame that does not decode closes the connection with a log line.
final class ClientChannelHandler: ChannelInboundHandler {
    typealias InboundIn = LengthPrefixedFrame

    private let host: NodeHost
    private var id: ConnectionID?
    private var handshaken = false

    init(host: NodeHost) {
        self.host = host
    }

    /// A client connection's pipeline: packets bounded by jute.maxbuffer, and a four-letter
    /// word recognised in the first four bytes, then this handler.
    static func install(on pipeline: ChannelPipeline.SynchronousOperations, host: NodeHost, juteMaxBuffer: Int) throws {
        let decoder = LengthPrefixedFrameDecoder(
            lengthMax: juteMaxBuffer, limit: "jute.maxbuffer", fourLetterWords: true)
        try pipeline.addHandler(ByteToMessageHandler(decoder))
        try pipeline.addHandler(ClientChannelHandler(host: host))
    }

    func channelActive(context: ChannelHandlerContext) {
        id = host.connected(context.channel)
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        if let id { host.disconnected(id) }
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard let id else { return }
        switch unwrapInboundIn(data) {
        case .fourLetterWord(let word):
            host.fourLetterWord(word, on: id)
        case .packet(let packet):
            let bytes = Array(packet.readableBytesView)
            do {
                try handshaken ? received(bytes, on: id) : handshake(bytes, on: id)
            } catch {
                host.malformed(id, reason: "\(error)")
            }
        }
    }

    private func handshake(_ bytes: [UInt8], on id: ConnectionID) throws {
        let request = try ConnectRequest.decode(bytes)
        handshaken = true
        host.handle(.handshake(id, request))
    }

    private func received(_ bytes: [UInt8], on id: ConnectionID) throws {
        var reader = JuteReader(bytes)
        let header = try RequestHeader(from: &reader)
        let request = try Request.read(type: header.type, from: &reader)
        host.handle(.received(id, xid: header.xid, request), flush: false)
    }

    /// The end of a read burst: the replies to its requests leave together.
    func channelReadComplete(context: ChannelHandlerContext) {
        if let id { host.heard(from: id) }
        host.flushWrites()
        context.fireChannelReadComplete()
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        if let id { host.malformed(id, reason: "\(error)") } else { context.close(promise: nil) }
    }
}
