import KeeperProtocol
import Logging
import NIOCore
import NIOEmbedded
import NIOTestUtils
import Testing
import Zab

@testable import KeeperServer

@Suite("quorum wire")
struct QuorumWireTests {
    /// One message of every kind ZabWire carries, with the optional fields both set and unset.
    static let messages: [ZabMessage] = [
        .vote(Vote(leader: 3, zxid: 0x2_0000_0007, epoch: 2, round: 9, state: .looking)),
        .vote(Vote(leader: 1, zxid: 0, epoch: 0, round: 1, state: .leading)),
        .followerInfo(acceptedEpoch: 4, lastZxid: 0x4_0000_0001),
        .leaderInfo(epoch: 5),
        .ackEpoch(currentEpoch: 4, lastZxid: 0x4_0000_0002),
        .sync(.init(entries: [])),
        .sync(
            .init(
                truncateAfter: 0x3_0000_0004, snapshot: [9, 8, 7], snapshotZxid: 0x3_0000_0001,
                entries: [ZabEntry(zxid: 0x3_0000_0002, payload: [1]), ZabEntry(zxid: 0x3_0000_0003, payload: [])])),
        .newLeader(epoch: 5, historyEnd: 0x4_0000_0002),
        .ackNewLeader(epoch: 5),
        .upToDate,
        .proposal(ZabEntry(zxid: 0x5_0000_0001, payload: Array(0...255))),
        .ack(zxid: 0x5_0000_0001),
        .commit(zxid: 0x5_0000_0001),
        .ping,
        .app([]),
        .app([0xca, 0xfe]),
    ]

    /// The kind of a message; the switch breaks the build when a kind is added, so the
    /// list above is kept whole.
    static func kind(_ message: ZabMessage) -> String {
        switch message {
        case .vote: "vote"
        case .followerInfo: "followerInfo"
        case .leaderInfo: "leaderInfo"
        case .ackEpoch: "ackEpoch"
        case .sync: "sync"
        case .newLeader: "newLeader"
        case .ackNewLeader: "ackNewLeader"
        case .upToDate: "upToDate"
        case .proposal: "proposal"
        case .ack: "ack"
        case .commit: "commit"
        case .ping: "ping"
        case .app: "app"
        }
    }

    private static func decoderChannel(maxLength: Int = QuorumFrameDecoder.frameMax) -> EmbeddedChannel {
        EmbeddedChannel(handler: ByteToMessageHandler(QuorumFrameDecoder(maxLength: maxLength)))
    }

    private static func framed(_ payload: [UInt8]) -> ByteBuffer {
        QuorumFrameDecoder.frame(payload, allocator: ByteBufferAllocator())
    }

    @Test("every kind of ZAB message survives encoding and decoding")
    func roundTrips() throws {
        #expect(Set(Self.messages.map(Self.kind)).count == 13)
        for message in Self.messages {
            #expect(try ZabWire.decode(ZabWire.encode(message)) == message)
        }
    }

    @Test("every kind of ZAB message comes through the frame decoder whole, all in one read or a byte at a time")
    func throughTheDecoder() throws {
        let pairs = Self.messages.map { message in
            let payload = ZabWire.encode(message)
            return (Self.framed(payload), [payload])
        }
        try ByteToMessageDecoderVerifier.verifyDecoder(inputOutputPairs: pairs) { QuorumFrameDecoder() }

        let channel = Self.decoderChannel()
        var all = ByteBuffer()
        for var frame in pairs.map(\.0) { all.writeBuffer(&frame) }
        try channel.writeInbound(all)
        var decoded: [ZabMessage] = []
        while let payload = try channel.readInbound(as: [UInt8].self) { decoded.append(try ZabWire.decode(payload)) }
        #expect(decoded == Self.messages)
        #expect(try channel.finish().isClean)
    }

    @Test("a frame whose checksum does not match its payload is refused")
    func checksumMismatch() throws {
        var frame = Self.framed(ZabWire.encode(.commit(zxid: 7)))
        let last = frame.writerIndex - 1
        frame.setInteger(frame.getInteger(at: last, as: UInt8.self)! ^ 0x01, at: last)
        let channel = Self.decoderChannel()
        #expect(throws: QuorumError.self) { try channel.writeInbound(frame) }
        #expect(try channel.readInbound(as: [UInt8].self) == nil)
        _ = try? channel.finish()
    }

    @Test("a length over the bound is refused before the body is buffered")
    func oversize() throws {
        let channel = Self.decoderChannel(maxLength: 1024)
        var header = ByteBuffer()
        header.writeInteger(UInt32(1025))
        #expect(throws: QuorumError.self) { try channel.writeInbound(header) }
        _ = try? channel.finish()

        let atBound = Self.decoderChannel(maxLength: 1024)
        try atBound.writeInbound(Self.framed(Array(repeating: 1, count: 1024)))
        #expect(try atBound.readInbound(as: [UInt8].self)?.count == 1024)
        #expect(try atBound.finish().isClean)
    }

    @Test("a truncated frame yields nothing until its last byte, and nothing at all if the stream ends first")
    func truncated() throws {
        let frame = Self.framed(ZabWire.encode(.ack(zxid: 0x1_0000_0001)))
        for cut in [1, 4, 7, 8, frame.readableBytes - 1] {
            let channel = Self.decoderChannel()
            try channel.writeInbound(frame.getSlice(at: 0, length: cut)!)
            #expect(try channel.readInbound(as: [UInt8].self) == nil, "cut at \(cut)")
            try channel.writeInbound(frame.getSlice(at: cut, length: frame.readableBytes - cut)!)
            let payload = try #require(try channel.readInbound(as: [UInt8].self))
            #expect(try ZabWire.decode(payload) == .ack(zxid: 0x1_0000_0001))
            #expect(try channel.finish().isClean)

            let ended = Self.decoderChannel()
            try ended.writeInbound(frame.getSlice(at: 0, length: cut)!)
            #expect(try ended.finish().isClean, "cut at \(cut), then the end of the stream")
        }
    }

    @Test("a payload cut short or of an unknown kind does not decode")
    func badPayloads() {
        let proposal = ZabWire.encode(.proposal(ZabEntry(zxid: 1, payload: [1, 2, 3])))
        #expect(throws: JuteError.self) { try ZabWire.decode(Array(proposal.dropLast())) }
        var unknown = JuteWriter()
        unknown.write(Int32(99))
        #expect(throws: JuteError.invalidValue(field: "tag", value: 99)) { try ZabWire.decode(unknown.bytes) }
        #expect(throws: JuteError.self) { try ZabWire.decode([]) }
    }
}

/// A quorum connection's pipeline on an EmbeddedChannel, in front of server 1 of a
/// three-server ensemble.
@Suite("quorum connection on an EmbeddedChannel")
struct QuorumConnectionTests {
    private static func ensembleConfig() throws -> KeeperConfig {
        var config = KeeperConfig()
        config.tickTime = 100
        config.peers = (1...3).map {
            KeeperConfig.Peer(id: $0, host: "127.0.0.1", peerPort: 3000 + $0, electionPort: 4000 + $0)
        }
        return try config.forServer(1)
    }

    private static func connection(initiator: Bool = true) throws -> (EmbeddedChannel, KeeperConfig) {
        let config = try ensembleConfig()
        var logger = Logger(label: "test-keeper")
        logger.logLevel = .critical
        let host = NodeHost(
            config: config, node: try KeeperServer.recoverNode(config, logger: logger), storage: nil,
            metrics: KeeperMetrics(), logger: logger)
        let channel = EmbeddedChannel()
        try QuorumChannelHandler.install(on: channel.pipeline.syncOperations, host: host, initiator: initiator)
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 3002)).wait()
        return (channel, config)
    }

    /// The payloads of the frames the server wrote.
    private static func sent(on channel: EmbeddedChannel) throws -> [[UInt8]] {
        let decoder = EmbeddedChannel(handler: ByteToMessageHandler(QuorumFrameDecoder()))
        while let buffer = try channel.readOutbound(as: ByteBuffer.self) { try decoder.writeInbound(buffer) }
        var payloads: [[UInt8]] = []
        while let payload = try decoder.readInbound(as: [UInt8].self) { payloads.append(payload) }
        return payloads
    }

    @Test("each side opens with its hello; after a peer's hello, ZAB messages flow and the server votes")
    func hello() throws {
        let (channel, config) = try Self.connection()
        let opening = try Self.sent(on: channel)
        #expect(try opening.first.map(QuorumHello.decode) == QuorumHello(id: 1, ensemble: config.ensembleIdentity))

        let hello = QuorumHello(id: 2, ensemble: config.ensembleIdentity).encoded()
        try channel.writeInbound(QuorumFrameDecoder.frame(hello, allocator: channel.allocator))
        let vote = ZabMessage.vote(Vote(leader: 2, zxid: 0, epoch: 0, round: 1, state: .looking))
        try channel.writeInbound(QuorumFrameDecoder.frame(ZabWire.encode(vote), allocator: channel.allocator))
        #expect(channel.isActive)
        let votes = try Self.sent(on: channel).map(ZabWire.decode).filter { Self.isVote($0) }
        #expect(!votes.isEmpty, "server 1 sends its vote to the peer that connected")
    }

    /// With portUnification the TLS handler of an accepted connection is added once its
    /// first bytes are read: a hello sent before that would leave in plaintext.
    @Test("the side that accepted says nothing until the peer's hello, then its own hello comes first")
    func acceptorAnswers() throws {
        let (channel, config) = try Self.connection(initiator: false)
        #expect(try Self.sent(on: channel).isEmpty)
        let hello = QuorumHello(id: 2, ensemble: config.ensembleIdentity).encoded()
        try channel.writeInbound(QuorumFrameDecoder.frame(hello, allocator: channel.allocator))
        let answer = try Self.sent(on: channel)
        #expect(try answer.first.map(QuorumHello.decode) == QuorumHello(id: 1, ensemble: config.ensembleIdentity))
    }

    private static func isVote(_ message: ZabMessage) -> Bool {
        if case .vote = message { return true }
        return false
    }

    @Test("a connection that says no hello within cnxTimeout is closed; one that did is kept")
    func silentConnection() throws {
        for initiator in [false, true] {
            let (channel, config) = try Self.connection(initiator: initiator)
            channel.embeddedEventLoop.advanceTime(by: .milliseconds(Int64(config.cnxTimeout - 1)))
            #expect(channel.isActive)
            channel.embeddedEventLoop.advanceTime(by: .milliseconds(1))
            #expect(!channel.isActive, "initiator: \(initiator)")
        }
        let (channel, config) = try Self.connection(initiator: false)
        let hello = QuorumHello(id: 2, ensemble: config.ensembleIdentity).encoded()
        try channel.writeInbound(QuorumFrameDecoder.frame(hello, allocator: channel.allocator))
        channel.embeddedEventLoop.advanceTime(by: .milliseconds(Int64(config.cnxTimeout * 10)))
        #expect(channel.isActive)
    }

    @Test("a hello from another ensemble closes the connection")
    func foreignHello() throws {
        let (channel, _) = try Self.connection()
        let hello = QuorumHello(id: 2, ensemble: "2=10.0.0.2:2888").encoded()
        try channel.writeInbound(QuorumFrameDecoder.frame(hello, allocator: channel.allocator))
        #expect(!channel.isActive)
    }

    @Test("a hello naming this server's own id closes the connection")
    func ownIdHello() throws {
        let (channel, config) = try Self.connection()
        let hello = QuorumHello(id: 1, ensemble: config.ensembleIdentity).encoded()
        try channel.writeInbound(QuorumFrameDecoder.frame(hello, allocator: channel.allocator))
        #expect(!channel.isActive)
    }

    @Test("a message that does not decode, or a bad checksum, closes the connection")
    func garbage() throws {
        for bad in ["unknown tag", "checksum"] {
            let (channel, config) = try Self.connection()
            let hello = QuorumHello(id: 3, ensemble: config.ensembleIdentity).encoded()
            try channel.writeInbound(QuorumFrameDecoder.frame(hello, allocator: channel.allocator))
            var frame = QuorumFrameDecoder.frame(
                bad == "checksum" ? ZabWire.encode(.ping) : [0, 0, 0, 99], allocator: channel.allocator)
            if bad == "checksum" { frame.setInteger(UInt32(0), at: frame.readerIndex + 4) }
            try channel.writeInbound(frame)
            #expect(!channel.isActive, "\(bad)")
        }
    }
}
