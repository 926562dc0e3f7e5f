import Foundation
import KeeperCore
import KeeperProtocol
import KeeperTestSupport
import Testing

@testable import KeeperServer

/// `GET /metrics` on `metricsProvider.httpPort`, under ZooKeeper's names.
@Suite("Keeper /metrics")
struct KeeperMetricsTests {
    private func get(_ path: String, method: String = "GET", port: Int) throws -> (head: String, body: String) {
        let connection = try RawConnection(port: port)
        try connection.send(Array("\(method) \(path) HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n".utf8))
        let text = String(decoding: try connection.receiveAll(), as: UTF8.self)
        let parts = text.components(separatedBy: "\r\n\r\n")
        return (parts[0], parts.dropFirst().joined(separator: "\r\n\r\n"))
    }

    /// A server with a dataDir of its own and metrics on a free loopback port.
    private func withMetricsServer(_ body: (KeeperServer, Int) async throws -> Void) async throws {
        let directory = NSTemporaryDirectory() + "/corral-metrics-\(UInt64.random(in: 0...UInt64.max))"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try await withServer({ config in
            config.dataDir = directory
            config.prometheusMetrics = true
            config.metricsHost = "127.0.0.1"
            config.metricsPort = 0
        }) { server in
            try await body(server, try #require(server.metricsPort))
        }
    }

    @Test("znode, watch and connection counts, read, update and fsync latencies move with the work done")
    func figures() async throws {
        try await withMetricsServer { server, port in
            let before = PrometheusSamples(try get("/metrics", port: port).body)
            #expect(before["znode_count"] == 4)
            #expect(before["updatelatency_count"] == 0)
            #expect(before["corral_keeper_mode", ["mode": "standalone"]] == 1)
            let connection = try RawConnection(port: server.port)
            _ = try connection.handshake()
            for (xid, name) in ["/a", "/b"].enumerated() {
                let create = Request.create(CreateRequest(path: name, data: [1], acl: ACL.openUnsafe, flags: 0))
                #expect(try connection.call(xid: Int32(xid + 1), create).0.err == 0)
            }
            let read = Request.getData(path: "/a", watch: true)
            #expect(try connection.call(xid: 3, read).0.err == 0)
            let (head, body) = try get("/metrics", port: port)
            #expect(head.hasPrefix("HTTP/1.1 200"))
            #expect(head.contains("text/plain; version=0.0.4"))
            let after = PrometheusSamples(body)
            #expect(after["znode_count"] == 6)
            #expect(after["watch_count"] == 1)
            #expect(after["global_sessions"] == 1)
            #expect(after["num_alive_connections"] == 1)
            #expect(after["updatelatency_count"] == 2)
            #expect((after["readlatency_count"] ?? 0) >= 1)
            #expect((after["fsynctime_count"] ?? 0) >= 1)
            #expect(body.contains("# TYPE fsynctime histogram"))
        }
    }

    @Test("another path is 404, another method 405, HEAD has no body; no listener unless asked")
    func paths() async throws {
        try await withMetricsServer { server, port in
            #expect(try get("/other", port: port).head.hasPrefix("HTTP/1.1 404"))
            let post = try get("/metrics", method: "POST", port: port).head
            #expect(post.hasPrefix("HTTP/1.1 405") && post.contains("Allow: GET, HEAD"))
            let head = try get("/metrics", method: "HEAD", port: port)
            #expect(head.head.hasPrefix("HTTP/1.1 200") && head.body.isEmpty)
            #expect(!head.head.contains("Content-Length: 0"))
        }
        try await withServer { server in #expect(server.metricsPort == nil) }
    }
}
