import NIOSSL

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
    /// TLS to speak, or nil for plaintext: this process's (`ClusterTLS.process`) unless set.
    public var tls: HTTPClientTLS? = ClusterTLS.process?.client

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
    case tlsFailed(host: String, port: Int, reason: String)

    /// `error` as a TLS refusal, if it is one: under TLS 1.3 a server refuses a client's
    /// certificate after the client's handshake is done, so the refusal arrives on the
    /// first read.
    static func tlsRefusal(_ error: any Error, host: String, port: Int) -> HTTPClientError? {
        guard error is NIOSSLError || error is BoringSSLError else { return nil }
        return .tlsFailed(host: host, port: port, reason: "\(error)")
    }

    public var description: String {
        switch self {
        case .connectFailed(let host, let port, let reason): "cannot connect to \(host):\(port): \(reason)"
        case .closedEarly: "the server closed the connection before the response ended"
        case .bodyTooLarge(let limit): "the response body is larger than \(limit) bytes"
        case .timedOut(let seconds): "no response within \(seconds) s"
        case .tlsFailed(let host, let port, let reason):
            "TLS handshake with \(host):\(port) failed: \(reason); check that LIBPROCESS_SSL_CA_FILE holds the authority of the server's certificate, that the certificate names \(host), and that the server speaks HTTPS (LIBPROCESS_SSL_ENABLED)"
        }
    }
}
