import Foundation
import KeeperProtocol

#if canImport(Glibc)
    import Glibc
#endif

/// A blocking TCP connection with a receive timeout, for tests that must put exact bytes on
/// the wire (oversized and malformed frames, four-letter words) where a well-behaved client
/// never would.
final class RawConnection {
    private let fd: Int32

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    init(port: Int, timeoutSeconds: Int = 5) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failure(description: "socket() failed") }
        var timeout = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        // No close here: a class whose init throws after every property is set still
        // runs deinit, which closes fd. Closing it twice could close a descriptor another
        // thread has opened since (it crashed NIO with EBADF in a concurrent test).
        guard result == 0 else { throw Failure(description: "connect to port \(port) failed: errno \(errno)") }
    }

    deinit { close(fd) }

    func send(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes[offset...].withUnsafeBytes {
                Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL))
            }
            guard sent > 0 else { throw Failure(description: "send failed: errno \(errno)") }
            offset += sent
        }
    }

    /// As much of `bytes` as the socket takes without waiting; returns how much it took.
    /// A client that stops reading soon finds the server's receive buffer and its own send
    /// buffer full, and this returns 0.
    func sendWithoutWaiting(_ bytes: [UInt8]) -> Int {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes[offset...].withUnsafeBytes {
                Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL | MSG_DONTWAIT))
            }
            guard sent > 0 else { return offset }
            offset += sent
        }
        return offset
    }

    /// Up to `count` bytes; empty when the peer closed.
    func receive(upTo count: Int = 65536) throws -> [UInt8] {
        var buffer = [UInt8](repeating: 0, count: count)
        let received = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, count, 0) }
        guard received >= 0 else { throw Failure(description: "recv failed or timed out: errno \(errno)") }
        return Array(buffer[..<received])
    }

    /// Everything until the peer closes.
    func receiveAll() throws -> [UInt8] {
        var all: [UInt8] = []
        while true {
            let chunk = try receive()
            if chunk.isEmpty { return all }
            all += chunk
        }
    }

    /// Exactly `count` bytes.
    func receive(exactly count: Int) throws -> [UInt8] {
        var all: [UInt8] = []
        while all.count < count {
            let chunk = try receive(upTo: count - all.count)
            guard !chunk.isEmpty else { throw Failure(description: "closed after \(all.count) of \(count) bytes") }
            all += chunk
        }
        return all
    }

    /// One length-prefixed frame's body.
    func receiveFrame() throws -> [UInt8] {
        let prefix = try receive(exactly: 4)
        let length = Int(UInt32(prefix[0]) << 24 | UInt32(prefix[1]) << 16 | UInt32(prefix[2]) << 8 | UInt32(prefix[3]))
        return try receive(exactly: length)
    }

    /// Whether the server has closed the connection: end of stream, or a reset because it
    /// closed with our bytes unread. False if the connection is still open at the timeout.
    func isClosedByPeer() -> Bool {
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let received = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, 4096, 0) }
            if received == 0 { return true }
            if received < 0 { return errno == ECONNRESET || errno == EPIPE }
        }
    }

    /// Sends a ConnectRequest and returns the decoded response.
    func handshake(timeout: Int32 = 10_000, session: Int64 = 0, password: [UInt8]? = nil) throws -> ConnectResponse {
        let request = ConnectRequest(
            timeout: timeout, sessionId: session, password: password ?? [UInt8](repeating: 0, count: 16))
        try send(Frame.encode { request.write(to: &$0) })
        return try ConnectResponse.decode(receiveFrame())
    }

    /// Sends a request and returns its reply header and body bytes, skipping notifications.
    func call(xid: Int32, _ request: Request) throws -> (ReplyHeader, JuteReader) {
        try send(Frame.request(xid: xid, request))
        while true {
            var reader = JuteReader(try receiveFrame())
            let header = try ReplyHeader(from: &reader)
            if header.xid != SpecialXid.notification { return (header, reader) }
        }
    }
}
