import KeeperProtocol
import KeeperServer
import Testing

@Suite("bad input on the client port")
struct BadInputTests {
    @Test("a client port already in use is an error from start, not a crash")
    func portInUse() async throws {
        try await withServer { first in
            await #expect(throws: (any Error).self) {
                try await withServer({ $0.clientPort = first.port }) { _ in }
            }
            // The first server still answers.
            let connection = try RawConnection(port: first.port)
            #expect(try connection.handshake().sessionId != 0)
        }
    }

    @Test("a frame over jute.maxbuffer closes that connection and other sessions carry on")
    func oversizedFrame() async throws {
        try await withServer({ $0.juteMaxBuffer = 4096 }) { server in
            let good = try RawConnection(port: server.port)
            let session = try good.handshake()
            #expect(session.sessionId != 0)

            let bad = try RawConnection(port: server.port)
            _ = try bad.handshake()
            // A create whose data alone is over the limit.
            let big = Request.create(
                CreateRequest(path: "/big", data: Array(repeating: 7, count: 5000), acl: ACL.openUnsafe, flags: 0))
            try bad.send(Frame.request(xid: 1, big))
            #expect(bad.isClosedByPeer())

            let (header, _) = try good.call(xid: 1, .exists(path: "/", watch: false))
            #expect(header.error == .ok)
            let (missing, _) = try good.call(xid: 2, .exists(path: "/big", watch: false))
            #expect(missing.error == .noNode)
        }
    }

    @Test("a negative frame length closes the connection")
    func negativeLength() async throws {
        try await withServer { server in
            let connection = try RawConnection(port: server.port)
            _ = try connection.handshake()
            try connection.send([0xff, 0xff, 0xff, 0x00, 1, 2, 3])
            #expect(connection.isClosedByPeer())
        }
    }

    @Test("a malformed request body closes the connection; the server keeps serving")
    func malformedBody() async throws {
        try await withServer { server in
            let connection = try RawConnection(port: server.port)
            _ = try connection.handshake()
            // getData whose path length runs past the end of the frame.
            try connection.send(
                Frame.encode { writer in
                    RequestHeader(xid: 1, type: OpCode.getData.rawValue).write(to: &writer)
                    writer.write(Int32(100))
                    writer.writeRaw([0x2f])
                })
            #expect(connection.isClosedByPeer())

            let other = try RawConnection(port: server.port)
            let session = try other.handshake().sessionId
            #expect(session != 0)
        }
    }

    @Test("a malformed ConnectRequest closes the connection")
    func malformedHandshake() async throws {
        try await withServer { server in
            let connection = try RawConnection(port: server.port)
            try connection.send(Frame.encode { $0.writeRaw([0, 0, 0, 0, 1, 2]) })
            #expect(connection.isClosedByPeer())
        }
    }

    @Test("connections from one address are capped by maxClientCnxns")
    func connectionCap() async throws {
        try await withServer({ $0.maxClientCnxns = 3 }) { server in
            var open = try (0..<3).map { _ in try RawConnection(port: server.port) }
            for connection in open {
                let session = try connection.handshake().sessionId
                #expect(session != 0)
            }
            let refused = try RawConnection(port: server.port)
            #expect(refused.isClosedByPeer())
            // Closing one makes room for another.
            open.removeLast()
            let retry = try await eventually { () throws -> Bool in
                let connection = try RawConnection(port: server.port)
                return (try? connection.handshake().sessionId) != nil
            }
            #expect(retry)
        }
    }

    @Test("an unknown op code gets UNIMPLEMENTED and the connection closes")
    func unknownOp() async throws {
        try await withServer { server in
            let connection = try RawConnection(port: server.port)
            _ = try connection.handshake()
            try connection.send(Frame.encode { RequestHeader(xid: 5, type: 4242).write(to: &$0) })
            var reader = JuteReader(try connection.receiveFrame())
            let header = try ReplyHeader(from: &reader)
            #expect(header.xid == 5 && header.error == .unimplemented)
            #expect(connection.isClosedByPeer())
        }
    }

    @Test("a client pipelining thousands of requests gets every reply, in order")
    func pipelining() async throws {
        try await withServer { server in
            let connection = try RawConnection(port: server.port, timeoutSeconds: 20)
            _ = try connection.handshake()
            let count = 5000
            var batch: [UInt8] = []
            for xid in 1...count {
                let request: Request =
                    xid % 2 == 0
                    ? .exists(path: "/p\(xid - 1)", watch: false)
                    : .create(CreateRequest(path: "/p\(xid)", data: [1], acl: ACL.openUnsafe, flags: 0))
                batch += Frame.request(xid: Int32(xid), request)
            }
            try connection.send(batch)
            for xid in 1...count {
                var reader = JuteReader(try connection.receiveFrame())
                let header = try ReplyHeader(from: &reader)
                #expect(header.xid == Int32(xid), "reply \(xid) out of order")
                #expect(header.error == .ok)
            }
        }
    }
}

/// Retries `body` for up to two seconds until it returns true.
func eventually(_ body: () throws -> Bool) async throws -> Bool {
    for _ in 0..<40 {
        if try body() { return true }
        try await Task.sleep(for: .milliseconds(50))
    }
    return false
}
