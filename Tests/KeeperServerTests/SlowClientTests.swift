import Foundation
import KeeperProtocol
import KeeperTestSupport
import NIOConcurrencyHelpers
import Synchronization
import Testing

/// What the clients of one run saw, gathered across their threads.
final class Observations: Sendable {
    let wellBehavedConnected = Atomic<Bool>(false)
    let requestsUnread = Atomic<Int>(0)
    private let latencies = NIOLockedValueBox<[Double]>([])

    func recordLatency(_ milliseconds: Double) { latencies.withLockedValue { $0.append(milliseconds) } }
    var latencyMilliseconds: [Double] { latencies.withLockedValue { $0 }.sorted() }
}

@Suite("slow and hostile clients", .serialized)
struct SlowClientTests {
    static let bigSize = 1_000_000
    static let window = Duration.seconds(15)
    /// The bound the test holds the server to, with a wide margin over what it needs.
    static let rssBoundMiB = 300.0
    /// Past this the server is killed at once, so that a regression cannot swamp the machine.
    static let rssAbortMiB = 1024.0

    @Test(
        "a client that pipelines getData of a 1 MB znode and never reads leaves RSS bounded and other clients served",
        .timeLimit(.minutes(2)))
    func nonReadingClient() async throws {
        // A long session timeout keeps the stuck connection open for the whole window.
        let server = try KeeperProcess(extraConfig: "maxSessionTimeout=60000")
        try await onThread { try server.start() }
        defer { server.kill() }
        let port = server.port
        try await onThread { try Self.createZnodes(port: port) }
        let rssBefore = server.memoryMiB() ?? 0
        let seen = Observations()
        let deadline = ContinuousClock.now + Self.window

        async let wellBehaved: Int = onThread { try Self.readRepeatedly(port: port, until: deadline, seen) }
        while !seen.wellBehavedConnected.load(ordering: .acquiring) { try await Task.sleep(for: .milliseconds(10)) }
        async let nonReading: Void = onThread { try Self.pipelineWithoutReading(port: port, until: deadline, seen) }

        var rssMax = rssBefore
        var handshake: Double?
        while ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(100))
            let rss = server.memoryMiB() ?? 0
            rssMax = max(rssMax, rss)
            if rss > Self.rssAbortMiB {
                server.kill()
                break
            }
            if handshake == nil && deadline - ContinuousClock.now < .seconds(7) {
                handshake = try await onThread { try Self.timeHandshake(port: port) }
            }
        }
        let replies = try await wellBehaved
        try await nonReading
        let rssAfter = server.memoryMiB() ?? 0
        let latencies = seen.latencyMilliseconds
        print(
            """
            non-reading client: \(seen.requestsUnread.load(ordering: .relaxed)) getData of \(Self.bigSize) bytes sent, none read
            server RSS: \(Self.mib(rssBefore)) MiB before, \(Self.mib(rssMax)) MiB at most, \(Self.mib(rssAfter)) MiB after (bound \(Self.rssBoundMiB))
            well-behaved client: \(replies) replies, latency p50 \(Self.ms(latencies, 0.5)) p99 \(Self.ms(latencies, 0.99)) max \(Self.ms(latencies, 1)) ms
            new client handshake: \(handshake.map { String(format: "%.1f ms", $0) } ?? "none")
            """)
        #expect(rssMax < Self.rssBoundMiB, "server RSS reached \(rssMax) MiB; log: \(server.log.suffix(2000))")
        #expect(replies > 100, "the well-behaved client got \(replies) replies in \(Self.window)")
        #expect(handshake != nil, "a new client could not complete its handshake")
        // The non-reading client was paused, not closed: its session timeout is a minute.
        let gaveUp = ["has not read its replies", "requests queued", "after reading stopped"]
        #expect(!gaveUp.contains { server.log.contains($0) }, "log: \(server.log.suffix(2000))")
    }

    @Test(
        "a client that stops reading is closed once blocked for longer than its session timeout, with a log line why",
        .timeLimit(.minutes(1)))
    func stuckClientClosed() async throws {
        let server = try KeeperProcess()
        try await onThread { try server.start() }
        defer { server.kill() }
        let port = server.port
        try await onThread { try Self.createZnodes(port: port) }
        let started = ContinuousClock.now
        let closed = try await onThread { () throws -> Bool in
            let connection = try RawConnection(port: port, timeoutSeconds: 15)
            _ = try connection.handshake(timeout: 2000)
            let frame = Frame.request(xid: 1, .getData(path: "/big", watch: false))
            _ = connection.sendWithoutWaiting(Array((0..<1000).map { _ in frame }.joined()))
            // Reads nothing until the server has given up on it, then everything it sent.
            usleep(5_000_000)
            return connection.isClosedByPeer()
        }
        let elapsed = Self.milliseconds(ContinuousClock.now - started)
        let line = server.log.split(separator: "\n").first { $0.contains("clientOutputBytesMax") }
        print("stuck client closed: \(closed) after \(String(format: "%.0f", elapsed)) ms; \(line ?? "no log line")")
        #expect(closed)
        #expect(line?.contains("has not read its replies") == true, "log: \(server.log.suffix(2000))")
    }

    static func createZnodes(port: Int) throws {
        let connection = try RawConnection(port: port)
        _ = try connection.handshake()
        let big = CreateRequest(
            path: "/big", data: [UInt8](repeating: 0x42, count: bigSize), acl: ACL.openUnsafe, flags: 0)
        let small = CreateRequest(path: "/small", data: [1, 2, 3], acl: ACL.openUnsafe, flags: 0)
        for (xid, request) in [big, small].enumerated() {
            let (header, _) = try connection.call(xid: Int32(xid + 1), .create(request))
            guard header.error == .ok else { throw RawConnection.Failure(description: "create: \(header.error)") }
        }
    }

    /// Sends getData of /big as fast as the socket takes it, and never reads.
    static func pipelineWithoutReading(port: Int, until deadline: ContinuousClock.Instant, _ seen: Observations)
        throws
    {
        let connection = try RawConnection(port: port)
        _ = try connection.handshake(timeout: 60_000)
        let frame = Frame.request(xid: 1, .getData(path: "/big", watch: false))
        var backlog: [UInt8] = []
        var bytesSent = 0
        while ContinuousClock.now < deadline {
            if backlog.isEmpty { backlog = Array((0..<1000).map { _ in frame }.joined()) }
            let sent = connection.sendWithoutWaiting(backlog)
            bytesSent += sent
            seen.requestsUnread.store(bytesSent / frame.count, ordering: .relaxed)
            backlog.removeFirst(sent)
            if !backlog.isEmpty { usleep(20_000) }
        }
    }

    /// Reads a small znode again and again, recording each round trip; returns the replies.
    static func readRepeatedly(port: Int, until deadline: ContinuousClock.Instant, _ seen: Observations) throws
        -> Int
    {
        let connection = try RawConnection(port: port, timeoutSeconds: 20)
        _ = try connection.handshake(timeout: 30_000)
        seen.wellBehavedConnected.store(true, ordering: .releasing)
        var replies = 0
        var xid: Int32 = 1
        while ContinuousClock.now < deadline {
            let started = ContinuousClock.now
            guard let (header, _) = try? connection.call(xid: xid, .getData(path: "/small", watch: false)) else {
                break
            }
            seen.recordLatency(milliseconds(ContinuousClock.now - started))
            guard header.error == .ok, header.xid == xid else { break }
            replies += 1
            xid += 1
            usleep(5_000)
        }
        return replies
    }

    /// Milliseconds a new client takes from connect to its ConnectResponse.
    static func timeHandshake(port: Int) throws -> Double {
        let started = ContinuousClock.now
        let connection = try RawConnection(port: port, timeoutSeconds: 20)
        _ = try connection.handshake()
        return milliseconds(ContinuousClock.now - started)
    }

    static func milliseconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) * 1000 + Double(duration.components.attoseconds) / 1e15
    }

    static func ms(_ sorted: [Double], _ quantile: Double) -> String {
        guard !sorted.isEmpty else { return "-" }
        let index = min(sorted.count - 1, Int((Double(sorted.count) * quantile).rounded(.down)))
        return String(format: "%.1f", sorted[index])
    }

    static func mib(_ value: Double) -> String { String(format: "%.1f", value) }
}
