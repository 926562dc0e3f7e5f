/// One HTTP/1.1 request as Corral's clients send it (agents to masters, `corral execute`
/// and `corral cluster` to masters, tests to everything).
public struct HTTPRequestSpec: Sendable {
    public var method: String
    public var host: String
    public var port: Int
    /// The path and query, starting with '/'.
    public var target: String
    public var headers: [(String, String)]
    public var body: [UInt8]

    public init(
        method: String = "POST", host: String, port: Int, target: String, headers: [(String, String)] = [],
        body: [UInt8] = []
    ) {
        self.method = method
        self.host = host
        self.port = port
        self.target = target
        self.headers = headers
        self.body = body
    }

    /// A JSON POST.
    public static func json(host: String, port: Int, target: String, body: [UInt8], headers: [(String, String)] = [])
        -> HTTPRequestSpec
    {
        HTTPRequestSpec(
            host: host, port: port, target: target,
            headers: [("Content-Type", "application/json"), ("Accept", "application/json")] + headers, body: body)
    }
}

/// A response's status line and headers.
public struct HTTPResponseHead: Sendable {
    public var status: Int
    public var headers: [(String, String)]

    /// The first value of a header, by case-insensitive name.
    public func header(_ name: String) -> String? {
        headers.first { $0.0.lowercased() == name.lowercased() }?.1
    }
}

/// What went wrong talking HTTP.
public enum HTTPClientError: Error, CustomStringConvertible {
    case connectFailed(host: String, port: Int, reason: String)
    case closedEarly
    case bodyTooLarge(limit: Int)
    case timedOut(seconds: Double)

    public var description: String {
        switch self {
        case .connectFailed(let host, let port, let reason): "cannot connect to \(host):\(port): \(reason)"
        case .closedEarly: "the server closed the connection before the response ended"
        case .bodyTooLarge(let limit): "the response body is larger than \(limit) bytes"
        case .timedOut(let seconds): "no response within \(seconds) s"
        }
    }
}
