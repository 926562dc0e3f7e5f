/// How Apps tells whether a task is healthy (Marathon's health checks). HTTP, HTTPS and
/// TCP are probed by the leading Apps instance; COMMAND runs on the agent beside the task
/// and arrives as the status update's `healthy`.
public struct HealthCheck: Sendable, Equatable {
    public var `protocol` = HealthCheckProtocol.http
    public var path: String?
    /// Which of the task's ports to probe; nil with `port` set, or 0 when neither is.
    public var portIndex: Int?
    /// A fixed port to probe instead of one of the task's.
    public var port: Int?
    public var command: String?
    public var gracePeriodSeconds = 300
    public var intervalSeconds = 60
    public var timeoutSeconds = 20
    /// Failures in a row after which the task is killed; 0 never kills.
    public var maxConsecutiveFailures = 3
    public var delaySeconds = 15
    public var ignoreHttp1xx = false

    public init(protocol: HealthCheckProtocol = .http) { self.protocol = `protocol` }

    /// Which of the task's ports this check probes, if it probes one of them.
    public var effectivePortIndex: Int? { port == nil ? (portIndex ?? 0) : nil }

    /// As Marathon keeps it: an HTTP check's path defaults to `/`, and a check of a port
    /// that names neither `port` nor `portIndex` probes the first port (`portIndex` 0).
    public var normalized: HealthCheck {
        var check = self
        if check.protocol != .command, check.port == nil, check.portIndex == nil { check.portIndex = 0 }
        if check.protocol == .http || check.protocol == .https, check.path == nil { check.path = "/" }
        return check
    }

    /// True when the agent, not Apps, runs this check.
    public var runsOnAgent: Bool { `protocol` == .command }
}

public enum HealthCheckProtocol: String, Sendable, CaseIterable, Codable {
    case http = "HTTP"
    case https = "HTTPS"
    case tcp = "TCP"
    case command = "COMMAND"
    case mesosHTTP = "MESOS_HTTP"
    case mesosHTTPS = "MESOS_HTTPS"
    case mesosTCP = "MESOS_TCP"
}

extension HealthCheck: Codable {
    enum CodingKeys: String, CodingKey {
        case `protocol`, path, portIndex, port, command, gracePeriodSeconds, intervalSeconds, timeoutSeconds
        case maxConsecutiveFailures, delaySeconds, ignoreHttp1xx
    }

    /// Marathon's `command` is `{"value": "…"}`.
    struct Command: Codable {
        var value: String
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        `protocol` = try c.decodeIfPresent(HealthCheckProtocol.self, forKey: .protocol) ?? .http
        path = try c.decodeIfPresent(String.self, forKey: .path)
        portIndex = try c.decodeIfPresent(Int.self, forKey: .portIndex)
        port = try c.decodeIfPresent(Int.self, forKey: .port)
        command = try c.decodeIfPresent(Command.self, forKey: .command)?.value
        gracePeriodSeconds = try c.decodeIfPresent(Int.self, forKey: .gracePeriodSeconds) ?? 300
        intervalSeconds = try c.decodeIfPresent(Int.self, forKey: .intervalSeconds) ?? 60
        timeoutSeconds = try c.decodeIfPresent(Int.self, forKey: .timeoutSeconds) ?? 20
        maxConsecutiveFailures = try c.decodeIfPresent(Int.self, forKey: .maxConsecutiveFailures) ?? 3
        delaySeconds = try c.decodeIfPresent(Int.self, forKey: .delaySeconds) ?? 15
        ignoreHttp1xx = try c.decodeIfPresent(Bool.self, forKey: .ignoreHttp1xx) ?? false
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(`protocol`, forKey: .protocol)
        try c.encodeIfPresent(path, forKey: .path)
        try c.encodeIfPresent(portIndex, forKey: .portIndex)
        try c.encodeIfPresent(port, forKey: .port)
        try c.encodeIfPresent(command.map { Command(value: $0) }, forKey: .command)
        try c.encode(gracePeriodSeconds, forKey: .gracePeriodSeconds)
        try c.encode(intervalSeconds, forKey: .intervalSeconds)
        try c.encode(timeoutSeconds, forKey: .timeoutSeconds)
        try c.encode(maxConsecutiveFailures, forKey: .maxConsecutiveFailures)
        try c.encode(delaySeconds, forKey: .delaySeconds)
        try c.encode(ignoreHttp1xx, forKey: .ignoreHttp1xx)
    }
}
