import CorralTLS

/// What `corral bench keeper` measures.
public enum BenchOp: String, Sendable, CaseIterable, Codable {
    /// Each request creates a new persistent znode of `size` bytes under the client's subtree.
    case create
    /// setData of `size` bytes on a random znode of the client's working set.
    case set
    /// getData of a random znode of the client's working set.
    case get
    /// get or set at random, `readPercent` of them gets.
    case mixed

    /// Whether the timed phase reads and writes a working set made during setup.
    var needsWorkingSet: Bool { self != .create }
}

/// The kind of one request, for per-kind latency and error counts.
public enum RequestKind: String, Sendable, CaseIterable, Codable {
    case create, set, get, delete
}

public struct ServerAddress: Sendable, Hashable, CustomStringConvertible {
    public var host: String
    public var port: Int

    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    public var description: String { "\(host):\(port)" }
}

public struct BenchOptions: Sendable {
    /// host:port pairs; client i connects to servers[i % servers.count].
    public var servers: [ServerAddress]
    public var op: BenchOp
    /// For `mixed`: the share of gets, 0...100.
    public var readPercent: Int = 90
    public var clients: Int = 1
    /// Requests each client keeps in flight.
    public var inflight: Int = 1
    /// Length of the timed phase, in seconds.
    public var duration: Double = 10
    /// Bytes of data per create or set.
    public var size: Int = 100
    /// Znodes per client that set, get and mixed work on.
    public var workingSet: Int = 1000
    /// Session timeout asked for, in milliseconds; the client pings at a third of what it gets.
    public var sessionTimeout: Int32 = 30_000
    /// Seconds to wait for a connection and its handshake.
    public var connectTimeout: Double = 10
    /// Event-loop threads for the clients; 0 means one per core.
    public var threads: Int = 0
    /// Requests in flight per client during setup and cleanup (at least `inflight`).
    public var bulkInflight: Int = 64
    /// Progress lines to stderr once a second.
    public var progress: Bool = true
    /// The server process to watch during the timed phase (its CPU time and RSS go into the
    /// report), or one per server in `servers`' order, of which the leader's is watched.
    public var serverPids: [Int32] = []
    /// Seeds the clients' random choices (client i uses seed + i).
    public var seed: UInt64 = 0x5eed
    /// Every client connects over TLS with these files (a server's secureClientPort).
    public var tls: TLSSettings?

    public init(servers: [ServerAddress], op: BenchOp) {
        self.servers = servers
        self.op = op
    }

    /// Parses "host:port,host:port"; a missing port means 2181.
    public static func parseServers(_ text: String) throws(BenchError) -> [ServerAddress] {
        var result: [ServerAddress] = []
        for item in text.split(separator: ",") {
            let trimmed = item.trimmingCharacters(in: " ")
            guard !trimmed.isEmpty else { continue }
            if let colon = trimmed.lastIndex(of: ":") {
                guard let port = Int(trimmed[trimmed.index(after: colon)...]), (1...65535).contains(port) else {
                    throw .invalidOption("bad port in '\(trimmed)'")
                }
                result.append(ServerAddress(host: String(trimmed[..<colon]), port: port))
            } else {
                result.append(ServerAddress(host: trimmed, port: 2181))
            }
        }
        guard !result.isEmpty else { throw .invalidOption("no servers in '\(text)'") }
        return result
    }

    public func validate() throws(BenchError) {
        guard !servers.isEmpty else { throw .invalidOption("no servers") }
        guard clients >= 1 && clients <= 10_000 else { throw .invalidOption("--clients must be 1...10000") }
        guard inflight >= 1 && inflight <= 10_000 else { throw .invalidOption("--inflight must be 1...10000") }
        guard duration > 0 && duration <= 86_400 else {
            throw .invalidOption("--duration must be above 0 s and at most a day")
        }
        guard size >= 0 && size <= 1_000_000 else { throw .invalidOption("--size must be 0...1000000 bytes") }
        guard (0...100).contains(readPercent) else { throw .invalidOption("--read-pct must be 0...100") }
        guard workingSet >= 1 && workingSet <= 10_000_000 else {
            throw .invalidOption("--working-set must be 1...10000000")
        }
        guard serverPids.count <= 1 || serverPids.count == servers.count else {
            throw .invalidOption(
                "--server-pid takes one pid, or one per server of --servers (\(servers.count)), in the same order")
        }
    }
}

public enum BenchError: Error, CustomStringConvertible, Sendable {
    case invalidOption(String)
    case connectFailed(String)
    case sessionRefused(String)
    case protocolViolation(String)
    case setupFailed(String)
    case serverFailed(String)

    public var description: String {
        switch self {
        case .invalidOption(let text): return text
        case .connectFailed(let text): return "could not connect: \(text)"
        case .sessionRefused(let text): return "session refused: \(text)"
        case .protocolViolation(let text): return "protocol violation: \(text)"
        case .setupFailed(let text): return "setup failed: \(text)"
        case .serverFailed(let text): return "server: \(text)"
        }
    }
}

extension Substring {
    fileprivate func trimmingCharacters(in set: Character) -> String {
        var slice = self[...]
        while slice.first == set { slice = slice.dropFirst() }
        while slice.last == set { slice = slice.dropLast() }
        return String(slice)
    }
}
