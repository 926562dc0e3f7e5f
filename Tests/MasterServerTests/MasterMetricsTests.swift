import ClusterProtocol
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import KeeperTestSupport
import Logging
import MasterCore
import Testing

@testable import MasterServer

/// `GET /metrics` on a master, through its router.
@Suite("master /metrics")
struct MasterMetricsTests {
    @Test("a leading master counts its requests, reports itself elected and its figures; Prometheus' content type")
    func leading() async throws {
        let host = MasterHost(logger: Logger(label: "test")) { MasterConfig(masterInfo: $0) }
        await host.lead(as: MasterRoutesTests.info)
        let app = Application(router: MasterRoutes(host: host).router())
        try await app.test(.router) { client in
            for _ in 0..<3 { try await client.execute(uri: "/master/state", method: .get) { _ in } }
            try await client.execute(uri: "/metrics", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "text/plain; version=0.0.4; charset=utf-8")
                let text = String(buffer: response.body)
                let samples = PrometheusSamples(text)
                #expect(samples["corral_master_elected"] == 1)
                #expect(
                    samples["corral_http_requests_total", ["route": "/master/state", "method": "GET", "code": "200"]]
                        == 3)
                #expect(
                    samples["corral_http_request_duration_seconds_count", ["route": "/master/state", "method": "GET"]]
                        == 3)
                #expect(samples["corral_master_tasks", ["state": "TASK_RUNNING"]] == 0)
                #expect(samples["corral_master_agents", ["state": "connected"]] == 0)
                #expect(samples["corral_master_resources", ["resource": "cpus", "kind": "total"]] == 0)
                #expect(text.contains("# TYPE corral_http_request_duration_seconds histogram"))
            }
        }
    }

    @Test("a standby reports corral_master_elected 0 and serves /metrics itself")
    func standby() async throws {
        let host = MasterHost(logger: Logger(label: "test")) { MasterConfig(masterInfo: $0) }
        let app = Application(router: MasterRoutes(host: host).router())
        try await app.test(.router) { client in
            try await client.execute(uri: "/metrics", method: .get) { response in
                #expect(response.status == .ok)
                #expect(PrometheusSamples(String(buffer: response.body))["corral_master_elected"] == 0)
            }
        }
    }
}
