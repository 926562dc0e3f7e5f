import CorralTLS
import KeeperFraming
import KeeperNode
import KeeperProtocol
import Logging
import NIOCore
import NIOSSL

/// The thin handler between one client connection and the node: it decodes the
/// ConnectRequest and the requests after it and hands them over; everything else is the
/// node's business. A frame that does not decode closes the connection with a log line.
///
/// When the node pauses the connection, reading stops (autoRead off) and the frames NIO
/// still delivers from the read burst it is in are parked here, in order, until the node
/// resumes it: the node gets no request it asked not to get.
final class ClientChannelHandler: ChannelInboundHandler {
    typealias InboundIn = LengthPrefixedFrame

    /// Request bytes a paused connection may park: NIO ends the read burst it is in after
    /// reading is turned off, which is at most this much. More means reading did not stop.
    static let parkedBytesMax = KeeperServer.readBurstBytesMax

    private let host: NodeHost
    /// Behind TLS: the node hears of the connection once the handshake has told who the
    /// client is.
    private let secure: Bool
    private var id: ConnectionID?
    private var handshaken = false
    private var context: ChannelHandlerContext?
    private(set) var isPaused = false
    private var parked: [[UInt8]] = []
    private var parkedNext = 0
    private var parkedBytes = 0
    /// Reading did not stop when asked: the connection is being closed, nothing more is taken.
    private var overran = false
    /// The address this connection counts against maxClientCnxns; nil once given back, or
    /// if it was refused.
    private var admitted: String?

    init(host: NodeHost, secure: Bool = false) {
        self.host = host
        self.secure = secure
    }

    /// A client connection's pipeline: TLS on the secure port, packets bounded by
    /// jute.maxbuffer, and a four-letter word recognised in the first four bytes, then this
    /// handler.
    static func install(
        on pipeline: ChannelPipeline.SynchronousOperations, host: NodeHost, juteMaxBuffer: Int,
        tls: ReloadingTLSContext? = nil
    ) throws {
        if let tls {
            try pipeline.addHandler(NIOSSLServerHandler(context: tls.current()))
            try pipeline.addHandler(TLSPeerHandler(logger: host.logger))
        }
        let decoder = LengthPrefixedFrameDecoder(
            lengthMax: juteMaxBuffer, limit: "jute.maxbuffer", fourLetterWords: true)
        try pipeline.addHandler(ByteToMessageHandler(decoder))
        try pipeline.addHandler(ClientChannelHandler(host: host, secure: tls != nil))
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
    }

    /// Counted against maxClientCnxns from the moment it is accepted, so that connections
    /// held in their TLS handshakes count too.
    func channelActive(context: ChannelHandlerContext) {
        admitted = host.admit(context.channel)
        if !secure, let admitted { id = host.connected(context.channel, admitted: admitted, handler: self) }
        context.fireChannelActive()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let peer = event as? TLSPeerIdentity, secure, id == nil, let admitted {
            id = host.connected(
                context.channel, admitted: admitted, handler: self, certificateSubject: peer.certificateSubject)
        }
        context.fireUserInboundEventTriggered(event)
    }

    func channelInactive(context: ChannelHandlerContext) {
        if let id {
            host.disconnected(id)
        } else if let admitted {
            host.released(admitted)
        }
        admitted = nil
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard let id, !overran else { return }
        switch unwrapInboundIn(data) {
        case .fourLetterWord(let word):
            host.fourLetterWord(word, on: id)
        case .packet(let packet):
            let bytes = Array(packet.readableBytesView)
            if isPaused || parkedNext < parked.count {
                park(bytes, on: id)
            } else {
                handOver(bytes, on: id)
            }
        }
    }

    private func handOver(_ bytes: [UInt8], on id: ConnectionID) {
        do {
            try handshaken ? received(bytes, on: id) : handshake(bytes, on: id)
        } catch {
            host.malformed(id, reason: "\(error)")
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

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if let id, isPaused, context.channel.isWritable { host.reportWritable(id) }
        context.fireChannelWritabilityChanged()
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        if let id { host.malformed(id, reason: "\(error)") } else { context.close(promise: nil) }
    }

    // MARK: - Pausing

    /// Stops reading; frames still arriving wait in `parked`.
    func pauseReading() {
        guard !isPaused, let context else { return }
        isPaused = true
        context.channel.setOption(ChannelOptions.autoRead, value: false).whenComplete { _ in }
    }

    /// Hands the parked frames over, then reads again, on a later turn of the loop: the
    /// node asks for this in the middle of carrying out its actions, where handing it new
    /// requests would reorder them.
    func resumeReading() {
        guard isPaused, let context else { return }
        isPaused = false
        let this = NIOLoopBound(self, eventLoop: context.eventLoop)
        context.eventLoop.execute { this.value.unpark() }
    }

    private func unpark() {
        guard !isPaused, let context, let id else { return }
        while !isPaused && parkedNext < parked.count {
            let bytes = parked[parkedNext]
            parkedNext += 1
            parkedBytes -= bytes.count
            handOver(bytes, on: id)
        }
        if parkedNext == parked.count {
            parked.removeAll()
            parkedNext = 0
        }
        host.flushWrites()
        guard !isPaused else { return }
        // Turning autoRead on reads at once.
        context.channel.setOption(ChannelOptions.autoRead, value: true).whenComplete { _ in }
    }

    private func park(_ bytes: [UInt8], on id: ConnectionID) {
        parkedBytes += bytes.count
        guard parkedBytes <= Self.parkedBytesMax else {
            overran = true
            return host.malformed(
                id,
                reason: "\(parkedBytes) bytes of requests arrived after reading stopped, over \(Self.parkedBytesMax)")
        }
        parked.append(bytes)
    }
}
