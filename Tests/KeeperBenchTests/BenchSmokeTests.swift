import CorralTLS
import Foundation
import KeeperBench
import KeeperServer
import Logging
import Testing

/// A short run of the load generator against an in-process Keeper, so that the tool keeps
/// working. It checks the shape of the report and that nothing failed, never a timing.
@Suite("corral bench keeper smoke")
struct BenchSmokeTests {
    private func withServer<T>(_ body: (KeeperServer) async throws -> T) async throws -> T {
        var config = KeeperConfig()
        config.clientPort = 0
        config.clientPortAddress = "127.0.0.1"
        config.fourLetterWords = ["*"]
        config.tickTime = 100
        var logger = Logger(label: "bench-test-keeper")
        logger.logLevel = .critical
        let server = try await KeeperServer.start(config: config, logger: logger)
        do {
            let result = try await body(server)
            await server.shutdown()
            return result
        } catch {
            await server.shutdown()
            throw error
        }
    }

    private func options(_ server: KeeperServer, op: BenchOp, duration: Double) -> BenchOptions {
        var options = BenchOptions(servers: [ServerAddress(host: "127.0.0.1", port: server.port)], op: op)
        options.clients = 2
        options.inflight = 4
        options.duration = duration
        options.size = 100
        options.workingSet = 50
        options.progress = false
        options.serverPids = [getpid()]
        return options
    }

    @Test("over TLS (--tls-ca, --tls-cert) to a secureClientPort: requests flow, no errors")
    func overTLS() async throws {
        let fixtures = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Fixtures/tls").path
        var config = KeeperConfig()
        config.servesPlaintext = false
        config.secureClientPort = 0
        config.secureClientPortAddress = "127.0.0.1"
        config.clientTLS = TLSSettings(keyStore: fixtures + "/server.pem", trustStore: fixtures + "/ca.pem")
        var logger = Logger(label: "bench-test-keeper")
        logger.logLevel = .critical
        let server = try await KeeperServer.start(config: config, logger: logger)
        var options = options(server, op: .set, duration: 1)
        var tls = TLSSettings(keyStore: fixtures + "/alice.pem", trustStore: fixtures + "/ca.pem")
        tls.hostnameVerification = false
        options.tls = tls
        let report = try await KeeperBench.run(options)
        await server.shutdown()
        #expect(report.errors == 0 && report.operations > 0)
    }

    @Test("mixed 90/10 for 2 s: requests flow, no errors, cleanup leaves the tree as it was")
    func mixed() async throws {
        try await withServer { server in
            let before = try await server.status().nodeCount
            let lines = LineSink()
            var options = options(server, op: .mixed, duration: 2)
            options.progress = true
            let report = try await KeeperBench.run(options) { lines.append($0) }

            #expect(report.errors == 0, "errors: \(report.errorsByCode)")
            #expect(report.operations > 0)
            #expect(report.throughput > 0)
            #expect(report.clients == 2 && report.inflight == 4 && report.readPercent == 90)
            let latency = try #require(report.latencyMs)
            #expect(latency.count >= UInt64(report.operations))
            #expect(
                latency.p50 > 0 && latency.p50 <= latency.p99 && latency.p99 <= latency.p999
                    && latency.p999 <= latency.max)
            #expect(Set(report.latencyMsByKind.keys) == ["get", "set"])
            #expect(report.setupZnodes == 1 + 2 * (1 + 50))
            #expect(report.cleanup.complete && report.cleanup.errors == 0)
            #expect(report.cleanup.deleted == 1 + 2 * (1 + 50))
            #expect(try await server.status().nodeCount == before)
            let usage = try #require(report.server)
            #expect(usage.cpuSeconds > 0 && usage.rssMaxKiB > 0)
            #expect(lines.count >= 1, "progress lines once a second")

            let text = report.text()
            for label in ["operations", "throughput", "latency", "errors", "setup", "cleanup"] {
                #expect(text.contains("\n" + label), "no \(label) line in:\n\(text)")
            }
            let json = try #require(JSONSerialization.jsonObject(with: Data(report.json().utf8)) as? [String: Any])
            for key in ["op", "throughput", "latency_ms", "errors", "errors_by_code", "cleanup", "operations"] {
                #expect(json[key] != nil, "no \(key) in JSON")
            }
            let quantiles = try #require(json["latency_ms"] as? [String: Any])
            #expect(Set(quantiles.keys).isSuperset(of: ["p50", "p99", "p999"]))
        }
    }

    @Test("create for 1 s: every created znode is deleted again")
    func create() async throws {
        try await withServer { server in
            let before = try await server.status().nodeCount
            let report = try await KeeperBench.run(options(server, op: .create, duration: 1))
            #expect(report.errors == 0, "errors: \(report.errorsByCode)")
            #expect(report.operations > 0)
            #expect(report.setupZnodes == 3)
            #expect(report.cleanup.complete)
            #expect(report.cleanup.deleted >= report.operations + 3)
            #expect(try await server.status().nodeCount == before)
        }
    }

    @Test("a server that is not there is an error, not a hang")
    func noServer() async throws {
        var options = BenchOptions(servers: [ServerAddress(host: "127.0.0.1", port: 1)], op: .get)
        options.duration = 1
        options.connectTimeout = 2
        await #expect(throws: BenchError.self) { try await KeeperBench.run(options) }
    }
}

final class LineSink: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []

    func append(_ line: String) { lock.withLock { lines.append(line) } }
    var count: Int { lock.withLock { lines.count } }
}
