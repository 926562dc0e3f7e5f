import AppsCore
import ClusterEdge
import NIOCore

/// Runs one of Marathon's own health checks against a task, from the leading Apps
/// instance: TCP passes when the port accepts a connection, HTTP when `GET path` answers
/// 200–399 within `timeoutSeconds`. Nil for an answer Marathon ignores (1xx with
/// `ignoreHttp1xx`): the task's health stays as it was.
enum HealthProber {
    /// The most of a health endpoint's body read before the answer is judged.
    static let bodyBytesMax = 64 * 1024

    static func run(_ probe: HealthProbe) async -> ProbeResult? {
        let timeout = Duration.seconds(probe.timeoutSeconds)
        switch probe.protocol {
        case .tcp: return await tcp(probe, timeout: timeout)
        case .http: return await http(probe, timeout: timeout)
        default: return .failed("\(probe.protocol.rawValue) checks are not run by Apps")
        }
    }

    private static func tcp(_ probe: HealthProbe, timeout: Duration) async -> ProbeResult {
        let amount = TimeAmount.milliseconds(Int64(probe.timeoutSeconds) * 1000)
        switch await ListenerProbe.probe(host: probe.host, port: probe.port, timeout: amount) {
        case .listening: return .passed
        case .refused: return .failed("Connection refused by \(probe.host):\(probe.port)")
        case .unknown: return .failed("No connection to \(probe.host):\(probe.port) within \(timeout)")
        }
    }

    private static func http(_ probe: HealthProbe, timeout: Duration) async -> ProbeResult? {
        let request = HTTPRequestSpec(
            method: "GET", host: probe.host, port: probe.port,
            target: probe.path.hasPrefix("/") ? probe.path : "/" + probe.path,
            headers: [("Host", "\(probe.host):\(probe.port)"), ("Connection", "close")])
        do {
            let (head, _) = try await HTTPClient.send(request, bodyBytesMax: bodyBytesMax, timeout: timeout)
            switch head.status {
            case 200..<400: return .passed
            case 100..<200 where probe.ignoreHttp1xx: return nil
            default: return .failed("HTTP \(head.status) from \(request.target)")
            }
        } catch {
            return .failed("\(error)")
        }
    }
}
