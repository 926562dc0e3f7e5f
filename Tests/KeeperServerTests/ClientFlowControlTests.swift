import Foundation
import KeeperClient
import KeeperFraming
import KeeperNode
import KeeperProtocol
import KeeperTestSupport
import Logging
import NIOCore
import NIOEmbedded
import Testing

@testable import KeeperServer

@Suite("client flow control in the NIO shell")
struct ClientFlowControlTests {
    /// One client connection on an EmbeddedChannel: the handler, a NodeHost and its node.
    static func embedded(_ adjust: (inout KeeperConfig) -> Void = { _ in }) throws -> EmbeddedChannel {
        var config = KeeperConfig()
        adjust(&config)
        var logger = Logger(label: "test-keeper")
        logger.logLevel = .critical
        let node = KeeperNode(config: KeeperServer.nodeConfig(config), startedAt: NodeHost.now())
        let host = NodeHost(config: config, node: node, storage: nil, metrics: KeeperMetrics(), logger: logger)
        let channel = EmbeddedChannel(handler: ClientChannelHandler(host: host))
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 2181)).wait()
        let handshake = ConnectRequest(timeout: 10_000)
        try channel.writeInbound(Self.packet(Array(Frame.encode { handshake.write(to: &$0) }.dropFirst(4))))
        return channel
    }

    static func packet(_ bytes: [UInt8]) -> LengthPrefixedFrame {
        .packet(ByteBuffer(bytes: bytes))
    }

    static func request(_ xid: Int32, _ request: Request) -> [UInt8] {
        Array(Frame.request(xid: xid, request).dropFirst(4))
    }

    @Test("a paused connection parks what NIO still delivers, and closes past parkedBytesMax")
    func parkedFramesBounded() throws {
        // The first reply spends the 100-byte budget; the channel stays unwritable, so no
        // report renews it.
        let channel = try Self.embedded { $0.clientOutputBytesMax = 100 }
        channel.isWritable = false
        try channel.writeInbound(Self.packet(Self.request(1, .exists(path: "/", watch: false))))
        #expect(channel.isActive)
        let frame = Self.request(2, .exists(path: "/" + String(repeating: "p", count: 1000), watch: false))
        for _ in 0..<ClientChannelHandler.parkedBytesMax / frame.count {
            try channel.writeInbound(Self.packet(frame))
        }
        #expect(channel.isActive, "closed before parkedBytesMax")
        try channel.writeInbound(Self.packet(frame))
        #expect(!channel.isActive, "still open past parkedBytesMax")
    }

    @Test("with globalOutstandingLimit 10, clients pipelining 500 writes each get every reply, in order")
    func globalOutstandingLimit() async throws {
        try await withServer({ $0.globalOutstandingLimit = 10 }) { server in
            let port = server.port
            let requests = (0..<4).map { Self.creates(prefix: "/c\($0)-", data: [], count: 500) }
            try await withThrowingTaskGroup(of: Void.self) { group in
                for bytes in requests {
                    group.addTask { try await onThread { try Self.pipeline(bytes, count: 500, port: port) } }
                }
                try await group.waitForAll()
            }
            let status = try await server.status()
            #expect(status.outstandingRequests == 0 && status.nodeCount == 4 * 500 + 4)
        }
    }

    @Test(
        "past logQueueBytesMax client reads pause until the log thread takes the queue; every acknowledged write survives a restart"
    )
    func logQueueBound() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("corral-logqueue-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let data = [UInt8](repeating: 5, count: 1000)
        let fulls = try await withServer({
            $0.dataDir = directory
            $0.logQueueBytesMax = 1
        }) { server in
            let port = server.port
            let requests = (0..<4).map { Self.creates(prefix: "/q\($0)-", data: data, count: 250) }
            try await withThrowingTaskGroup(of: Void.self) { group in
                for bytes in requests {
                    group.addTask { try await onThread { try Self.pipeline(bytes, count: 250, port: port) } }
                }
                try await group.waitForAll()
            }
            return try await server.status().counters.logQueueFulls
        }
        #expect(fulls > 0, "the log's queue never went over its bound")
        try await withServer({ $0.dataDir = directory }) { server in
            let port = server.port
            let missing = try await onThread {
                try verifyWrites(
                    Dictionary(
                        uniqueKeysWithValues: (0..<4).flatMap { client in (1...250).map { ("/q\(client)-\($0)", data) }
                        }),
                    port: port)
            }
            #expect(missing.isEmpty, "\(missing.count) acknowledged writes lost")
        }
    }

    /// `count` creates of `prefix`1… with xids 1…, framed back to back. Made before the
    /// clients' threads start: four threads that made theirs at once (`joined()`) waited
    /// seconds each on the runtime's generic metadata under ThreadSanitizer, long enough
    /// for their sessions to expire.
    static func creates(prefix: String, data: [UInt8], count: Int) -> [UInt8] {
        let writes = (1...count).map { xid in
            Frame.request(
                xid: Int32(xid),
                .create(CreateRequest(path: "\(prefix)\(xid)", data: data, acl: ACL.openUnsafe, flags: 0)))
        }
        return Array(writes.joined())
    }

    /// Sends `requests` at once and expects `count` replies, ok and in order.
    static func pipeline(_ requests: [UInt8], count: Int, port: Int) throws {
        let connection = try RawConnection(port: port, timeoutSeconds: 20)
        _ = try connection.handshake()
        try connection.send(requests)
        for xid in 1...count {
            var reader = JuteReader(try connection.receiveFrame())
            let header = try ReplyHeader(from: &reader)
            #expect(header.xid == Int32(xid) && header.error == .ok)
        }
    }

    @Test("a client that pipelines large reads and takes its replies late gets every one, in order")
    func lateReader() async throws {
        try await withServer({ $0.clientOutputBytesMax = 256 << 10 }) { server in
            let port = server.port
            try await onThread {
                let connection = try RawConnection(port: port, timeoutSeconds: 20)
                _ = try connection.handshake()
                let data = [UInt8](repeating: 9, count: 100_000)
                let create = CreateRequest(path: "/big", data: data, acl: ACL.openUnsafe, flags: 0)
                #expect(try connection.call(xid: 1, .create(create)).0.error == .ok)
                let count = 300
                try connection.send(
                    Array(
                        (2...count + 1).map { Frame.request(xid: Int32($0), .getData(path: "/big", watch: false)) }
                            .joined()))
                usleep(1_000_000)
                for xid in 2...count + 1 {
                    var reader = JuteReader(try connection.receiveFrame())
                    let header = try ReplyHeader(from: &reader)
                    #expect(header.xid == Int32(xid) && header.error == .ok)
                }
                #expect(try connection.call(xid: 400, .exists(path: "/big", watch: false)).0.error == .ok)
            }
        }
    }
}

@Suite("watchesPerSessionMax through the Swift client")
struct WatchLimitClientTests {
    @Test("a watch over the limit throws QUOTAEXCEEDED, the client holds no watch for it, and the session goes on")
    func watchLimit() async throws {
        try await withServer({ $0.watchesPerSessionMax = 2 }) { server in
            let client = try await KeeperClient.connect(
                "127.0.0.1:\(server.port)", configuration: TestServers.testConfiguration())
            for path in ["/a", "/b", "/c"] { _ = try await client.create(path, data: []) }
            _ = try await client.getDataAndWatch("/a")
            _ = try await client.getChildrenAndWatch("/a")
            do {
                _ = try await client.getDataAndWatch("/b")
                Issue.record("a third watch was accepted")
            } catch let error as KeeperError {
                #expect(error.code == .quotaExceeded)
                #expect("\(error)" == "Quota has exceeded: /b")
            }
            await #expect(throws: KeeperError(.quotaExceeded, path: "/p")) {
                _ = try await client.addWatch("/p")
            }
            #expect(try await client.getData("/c").data == [])
            // A watch that fires makes room for another.
            let (_, _, watch) = try await client.getDataAndWatch("/a")
            _ = try await client.setData("/a", data: [1])
            _ = try await watch.event()
            _ = try await client.getDataAndWatch("/b")
            await client.close()
        }
    }
}
