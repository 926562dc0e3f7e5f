import CorralTLS
import KeeperProtocol
import KeeperStorage
import Logging
import NIOCore
import NIOPosix
import NIOSSL
import Zab

/// The first frame on a quorum connection, both ways: who is speaking and for which
/// ensemble. A peer of another ensemble (another server list) or an unknown id is
/// disconnected with a log line.
struct QuorumHello: Equatable {
    static let magic: Int32 = 0x4352_4C51  // "CRLQ"
    static let version: Int32 = 1
    var id: PeerID
    var ensemble: String

    func encoded() -> [UInt8] {
        var writer = JuteWriter()
        writer.write(Self.magic)
        writer.write(Self.version)
        writer.write(Int32(id))
        writer.write(ensemble)
        return writer.bytes
    }

    static func decode(_ bytes: [UInt8]) throws -> QuorumHello {
        var reader = JuteReader(bytes)
        guard try reader.readInt32("magic") == magic else { throw QuorumError("not a Keeper quorum peer (bad magic)") }
        let version = try reader.readInt32("version")
        guard version == Self.version else {
            throw QuorumError("quorum protocol version \(version); this server speaks \(Self.version)")
        }
        return QuorumHello(id: Int(try reader.readInt32("id")), ensemble: try reader.readString("ensemble"))
    }
}

struct QuorumError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// Frames on the quorum port: length, CRC32C of the payload, payload. A bad checksum or a
/// length over the bound closes the connection.
final class QuorumFrameDecoder: ByteToMessageDecoder {
    typealias InboundOut = [UInt8]
    /// A snapshot of a large tree travels in one frame.
    static let frameMax = 1 << 30
    private let maxLength: Int

    init(maxLength: Int = QuorumFrameDecoder.frameMax) {
        self.maxLength = maxLength
    }

    func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let length = buffer.getInteger(at: buffer.readerIndex, as: UInt32.self) else { return .needMoreData }
        guard Int(length) <= maxLength else {
            throw QuorumError("frame of \(length) bytes is over the \(maxLength)-byte bound")
        }
        guard buffer.readableBytes >= 8 + Int(length) else { return .needMoreData }
        buffer.moveReaderIndex(forwardBy: 4)
        let checksum = buffer.readInteger(as: UInt32.self)!
        let payload = buffer.readBytes(length: Int(length))!
        guard CRC32C.checksum(payload) == checksum else { throw QuorumError("frame checksum mismatch") }
        context.fireChannelRead(wrapInboundOut(payload))
        return .continue
    }

    static func frame(_ payload: [UInt8], allocator: ByteBufferAllocator) -> ByteBuffer {
        var buffer = allocator.buffer(capacity: payload.count + 8)
        append(payload, to: &buffer)
        return buffer
    }

    /// Appends one framed payload to `buffer`, which may already hold frames.
    static func append(_ payload: [UInt8], to buffer: inout ByteBuffer) {
        buffer.writeInteger(UInt32(payload.count))
        buffer.writeInteger(CRC32C.checksum(payload))
        buffer.writeBytes(payload)
    }
}

/// One quorum connection: hello first, then ZAB messages, handed to the node host.
final class QuorumChannelHandler: ChannelInboundHandler {
    typealias InboundIn = [UInt8]

    private let host: NodeHost
    /// The side that connected says hello first; the side that accepted answers the
    /// other's hello with its own, so that a TLS handler added once the first bytes are
    /// seen (portUnification) carries it.
    private let initiator: Bool
    private var peer: PeerID?
    /// What the TLS handshake of an accepted connection proved; nil over plaintext.
    private var tlsPeer: TLSPeerIdentity?
    /// Closes the connection unless the other side's hello comes within `cnxTimeout`.
    private var helloDeadline: Scheduled<Void>?

    init(host: NodeHost, initiator: Bool) {
        self.host = host
        self.initiator = initiator
    }

    /// A quorum connection's pipeline, either way it was opened, behind TLS if `tls`.
    static func install(
        on pipeline: ChannelPipeline.SynchronousOperations, host: NodeHost, initiator: Bool
    ) throws {
        try pipeline.addHandler(ByteToMessageHandler(QuorumFrameDecoder()))
        try pipeline.addHandler(QuorumChannelHandler(host: host, initiator: initiator))
    }

    func channelActive(context: ChannelHandlerContext) {
        let channel = context.channel
        let bound = NIOLoopBound(host, eventLoop: context.eventLoop)
        let timeout = host.cnxTimeout
        helloDeadline = context.eventLoop.scheduleTask(in: .milliseconds(Int64(timeout))) {
            bound.value.quorumFailure("no hello within \(timeout) ms (cnxTimeout)", peer: nil, channel: channel)
        }
        if initiator { sayHello(context) }
        context.fireChannelActive()
    }

    private func sayHello(_ context: ChannelHandlerContext) {
        context.writeAndFlush(wrapOutboundOut(host.helloFrame(allocator: context.channel.allocator)), promise: nil)
    }

    typealias OutboundOut = ByteBuffer

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let payload = unwrapInboundIn(data)
        do {
            if let peer {
                guard host.isCurrent(context.channel, of: peer) else { return }
                host.handle(.peerMessage(from: peer, try ZabWire.decode(payload)), flush: false)
            } else {
                let hello = try QuorumHello.decode(payload)
                try host.checkHello(hello)
                if !initiator { try host.checkPeerCertificate(hello, tls: tlsPeer) }
                if !initiator { sayHello(context) }
                peer = hello.id
                helloDeadline?.cancel()
                host.peerConnected(hello.id, channel: context.channel)
            }
        } catch {
            host.quorumFailure("\(error)", peer: peer, channel: context.channel)
        }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let identity = event as? TLSPeerIdentity { tlsPeer = identity }
        context.fireUserInboundEventTriggered(event)
    }

    /// The end of a read burst: what the messages in it made the node send leaves now.
    func channelReadComplete(context: ChannelHandlerContext) {
        host.flushWrites()
        context.fireChannelReadComplete()
    }

    func channelInactive(context: ChannelHandlerContext) {
        helloDeadline?.cancel()
        if let peer { host.peerDisconnected(peer, channel: context.channel) }
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        host.quorumFailure("\(error)", peer: peer, channel: context.channel)
    }
}

/// Keeps one connection to every other server: a server connects out to the servers with
/// lower ids and accepts connections from higher ones, so each pair has one connection;
/// a lost connection is retried with a short backoff.
final class QuorumConnector {
    private let host: NIOLoopBound<NodeHost>
    private let peers: [KeeperConfig.Peer]
    private let group: EventLoopGroup
    private let loop: EventLoop
    /// sslQuorum: connections out speak TLS with this context.
    private let tls: ReloadingTLSContext?
    private var attempts: [PeerID: Int] = [:]
    private var stopped = false

    init(
        host: NIOLoopBound<NodeHost>, peers: [KeeperConfig.Peer], group: EventLoopGroup, loop: EventLoop,
        tls: ReloadingTLSContext?
    ) {
        self.host = host
        self.peers = peers
        self.group = group
        self.loop = loop
        self.tls = tls
    }

    func start() {
        for peer in peers { connect(peer) }
    }

    func stop() { stopped = true }

    /// Called when a connection to `peer` closed (or never opened): try again soon.
    func retry(_ peer: PeerID) {
        guard !stopped, let target = peers.first(where: { $0.id == peer }) else { return }
        let attempt = (attempts[peer] ?? 0) + 1
        attempts[peer] = attempt
        let delay = TimeAmount.milliseconds(Int64(min(50 * attempt, 1000)))
        let this = NIOLoopBound(self, eventLoop: loop)
        loop.scheduleTask(in: delay) { this.value.connect(target) }
    }

    func connected(_ peer: PeerID) { attempts[peer] = 0 }

    private func connect(_ peer: KeeperConfig.Peer) {
        guard !stopped else { return }
        let host = self.host
        let this = NIOLoopBound(self, eventLoop: loop)
        let context = tls?.current()
        ClientBootstrap(group: loop)
            .connectTimeout(.milliseconds(500))
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let context {
                        try channel.pipeline.syncOperations.addHandler(
                            NIOSSLClientHandler(
                                context: context, serverHostname: TLSContextFactory.serverName(for: peer.host)))
                    }
                    try QuorumChannelHandler.install(
                        on: channel.pipeline.syncOperations, host: host.value, initiator: true)
                }
            }
            .connect(host: peer.host, port: peer.peerPort)
            .whenComplete { result in
                switch result {
                case .success(let channel):
                    channel.closeFuture.whenComplete { _ in this.value.retry(peer.id) }
                case .failure:
                    this.value.retry(peer.id)
                }
            }
    }
}
