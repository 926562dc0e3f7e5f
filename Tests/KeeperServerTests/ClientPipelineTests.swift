import KeeperProtocol
import Logging
import NIOCore
import NIOEmbedded
import Testing

@testable import KeeperServer

/// A client connection's pipeline (frame decoder, ClientChannelHandler) on an
/// EmbeddedChannel, in front of a real node: everything the server does with a client's
/// bytes, without a socket.
private struct ClientPipeline {
    let channel = EmbeddedChannel()
    let host: NodeHost

    init(_ adjust: (inout KeeperConfig) -> Void = { _ in }) throws {
        var config = KeeperConfig()
        config.tickTime = 500
        config.fourLetterWords = ["srvr", "ruok"]
        adjust(&config)
        var logger = Logger(label: "test-keeper")
        logger.logLevel = .critical
        host = NodeHost(
            config: config, node: try KeeperServer.recoverNode(config, logger: logger), storage: nil,
            metrics: KeeperMetrics(), logger: logger)
        try ClientChannelHandler.install(
            on: channel.pipeline.syncOperations, host: host, juteMaxBuffer: config.juteMaxBuffer)
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 40_000)).wait()
    }

    /// Bytes from the client, as one read.
    func send(_ bytes: [UInt8]) throws {
        try channel.writeInbound(ByteBuffer(bytes: bytes))
        channel.embeddedEventLoop.run()
    }

    /// Bytes from the client, one read per byte.
    func dripFeed(_ bytes: [UInt8]) throws {
        for byte in bytes { try send([byte]) }
    }

    /// Each buffer the server wrote since the last call.
    func written() throws -> [ByteBuffer] {
        var buffers: [ByteBuffer] = []
        while let buffer = try channel.readOutbound(as: ByteBuffer.self) { buffers.append(buffer) }
        return buffers
    }

    /// The packets the server wrote since the last call, without their length prefix.
    func packets() throws -> [[UInt8]] {
        var all = ByteBuffer()
        for var buffer in try written() { all.writeBuffer(&buffer) }
        var packets: [[UInt8]] = []
        while let length = all.readInteger(as: Int32.self), let packet = all.readBytes(length: Int(length)) {
            packets.append(packet)
        }
        #expect(all.readableBytes == 0, "a partial packet was written")
        return packets
    }

    func handshake() throws -> ConnectResponse {
        try send(Frame.encode { ConnectRequest(timeout: 4000).write(to: &$0) })
        let replies = try packets()
        try #require(replies.count == 1)
        return try ConnectResponse.decode(replies[0])
    }

    /// Decodes a reply to `op`.
    static func reply(_ packet: [UInt8], to op: OpCode) throws -> (ReplyHeader, Response?) {
        var reader = JuteReader(packet)
        let header = try ReplyHeader(from: &reader)
        guard header.err == 0 else { return (header, nil) }
        return (header, try Response.read(op: op, from: &reader))
    }
}

@Suite("client pipeline on an EmbeddedChannel")
struct ClientPipelineTests {
    @Test("a handshake opens a session; requests drip-fed or pipelined in one read get their replies in order")
    func requests() throws {
        let pipeline = try ClientPipeline()
        let session = try pipeline.handshake()
        #expect(session.sessionId != 0 && session.timeout == 4000)

        let create = Request.create(CreateRequest(path: "/a", data: [1, 2], acl: ACL.openUnsafe, flags: 0))
        try pipeline.send(Frame.request(xid: 1, create))
        let created = try pipeline.packets().map { try ClientPipeline.reply($0, to: .create) }
        #expect(created.map(\.0.xid) == [1] && created.first?.1 == .path("/a"))

        try pipeline.dripFeed(Frame.request(xid: 2, .getData(path: "/a", watch: false)))
        let read = try pipeline.packets().map { try ClientPipeline.reply($0, to: .getData) }
        #expect(read.map(\.0.xid) == [2])
        guard case .data(let data, _)? = read.first?.1 else {
            Issue.record("getData answered \(read)")
            return
        }
        #expect(data == [1, 2])

        let burst =
            Frame.request(xid: 3, .exists(path: "/a", watch: false))
            + Frame.request(xid: 4, .getData(path: "/a", watch: false))
            + Frame.request(xid: 5, .exists(path: "/missing", watch: false))
        try pipeline.send(burst)
        // One read burst, one write: the replies leave together at channelReadComplete.
        let buffers = try pipeline.written()
        #expect(buffers.count == 1)
        var all = buffers.first ?? ByteBuffer()
        var headers: [ReplyHeader] = []
        while let length = all.readInteger(as: Int32.self), let packet = all.readBytes(length: Int(length)) {
            var reader = JuteReader(packet)
            headers.append(try ReplyHeader(from: &reader))
        }
        #expect(headers.map(\.xid) == [3, 4, 5])
        #expect(headers.map(\.error) == [.ok, .ok, .noNode])
        #expect(pipeline.channel.isActive)
    }

    @Test("a four-letter word as the first bytes is answered and the connection closes", arguments: [false, true])
    func fourLetterWord(dripFed: Bool) throws {
        let pipeline = try ClientPipeline()
        let word = Array("ruok".utf8)
        try dripFed ? pipeline.dripFeed(word) : pipeline.send(word)
        let answer = try pipeline.written().map { String(buffer: $0) }.joined()
        #expect(answer == "imok")
        #expect(!pipeline.channel.isActive)
    }

    @Test("a four-letter word outside the whitelist gets ZooKeeper's refusal")
    func refusedWord() throws {
        let pipeline = try ClientPipeline()
        try pipeline.send(Array("stat".utf8))
        let answer = try pipeline.written().map { String(buffer: $0) }.joined()
        #expect(answer == "stat is not executed because it is not in the whitelist.\n")
        #expect(!pipeline.channel.isActive)
    }

    @Test("after the handshake, four letters are a frame length over jute.maxbuffer and close the connection")
    func fourLettersLater() throws {
        let pipeline = try ClientPipeline()
        _ = try pipeline.handshake()
        try? pipeline.send(Array("ruok".utf8))
        #expect(try pipeline.written().isEmpty)
        #expect(!pipeline.channel.isActive)
    }

    @Test("a frame of exactly jute.maxbuffer is read; one byte more closes the connection before its body")
    func maxBuffer() throws {
        let pipeline = try ClientPipeline { $0.juteMaxBuffer = 4096 }
        _ = try pipeline.handshake()
        let empty = Frame.request(
            xid: 1, .create(CreateRequest(path: "/big", data: [], acl: ACL.openUnsafe, flags: 0)))
        let dataLength = 4096 - (empty.count - 4)
        let atLimit = Frame.request(
            xid: 1,
            .create(
                CreateRequest(
                    path: "/big", data: Array(repeating: 7, count: dataLength), acl: ACL.openUnsafe, flags: 0)))
        #expect(atLimit.count == 4 + 4096)
        try pipeline.send(atLimit)
        #expect(try pipeline.packets().map { try ClientPipeline.reply($0, to: .create).0.error } == [.ok])

        var header = ByteBuffer()
        header.writeInteger(Int32(4097))
        try? pipeline.send(Array(header.readableBytesView))
        #expect(!pipeline.channel.isActive)
    }

    @Test("a malformed ConnectRequest closes the connection")
    func malformedHandshake() throws {
        let pipeline = try ClientPipeline()
        try pipeline.send(Frame.encode { $0.writeRaw([0, 0, 0, 0, 1, 2]) })
        #expect(try pipeline.written().isEmpty)
        #expect(!pipeline.channel.isActive)
    }

    @Test("a request cut off by the client's going away is dropped, and the node forgets the connection")
    func partialAtClose() throws {
        let pipeline = try ClientPipeline()
        _ = try pipeline.handshake()
        #expect(pipeline.host.status.connections.count == 1)
        let request = Frame.request(xid: 1, .getData(path: "/", watch: false))
        try pipeline.send(Array(request.dropLast(2)))
        #expect(try pipeline.written().isEmpty)
        try pipeline.channel.close().wait()
        #expect(pipeline.host.status.connections.isEmpty)
    }
}
