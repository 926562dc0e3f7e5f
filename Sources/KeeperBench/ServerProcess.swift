import Dispatch
import FoundationEssentials
import NIOConcurrencyHelpers

#if canImport(Glibc)
    import Glibc
#endif

/// Which server a benchmark starts.
public enum ServerKind: String, Sendable, Codable, CaseIterable {
    case keeper
    case zookeeper
}

/// The ports of one member of an ensemble, as its `server.N` line names them.
public struct MemberPorts: Sendable, Equatable, Codable {
    public var id: Int
    public var clientPort: Int
    /// Followers connect to the leader here.
    public var peerPort: Int
    /// ZooKeeper's leader election listens here; Keeper elects over the peer port and never
    /// binds it.
    public var electionPort: Int

    public init(id: Int, clientPort: Int, peerPort: Int, electionPort: Int) {
        self.id = id
        self.clientPort = clientPort
        self.peerPort = peerPort
        self.electionPort = electionPort
    }

    /// The client address goes in the line, not in clientPort/clientPortAddress: ZooKeeper
    /// binds a bare ";PORT" to every address and refuses clientPortAddress without
    /// clientPort, and Keeper binds a server.N client address as it would clientPortAddress.
    /// So both read the same lines.
    var serverLine: String {
        "server.\(id)=127.0.0.1:\(peerPort):\(electionPort);127.0.0.1:\(clientPort)"
    }
}

/// A zoo.cfg both servers read alike: the keys the benchmarks set, nothing else.
public struct ServerSettings: Sendable {
    /// Where clients (and, in an ensemble, the other members) reach the server.
    public enum Listeners: Sendable {
        /// One server on 127.0.0.1:port.
        case standalone(clientPort: Int)
        /// The members of an ensemble, one server.N line each.
        case ensemble([MemberPorts])
    }

    public var listeners: Listeners
    public var dataDir: String
    public var tickTime = 2000
    public var maxClientCnxns = 1000
    /// Ensemble only (ZooKeeper requires them with server.N lines): ticks a follower has to
    /// sync with a new leader, and may go without hearing from it.
    public var initLimit = 10
    public var syncLimit = 5

    public init(listeners: Listeners, dataDir: String) {
        self.listeners = listeners
        self.dataDir = dataDir
    }

    public var zooCfg: String {
        var lines = ["tickTime=\(tickTime)", "dataDir=\(dataDir)"]
        switch listeners {
        case .standalone(let clientPort):
            lines += ["clientPort=\(clientPort)", "clientPortAddress=127.0.0.1"]
        case .ensemble:
            break
        }
        lines += ["maxClientCnxns=\(maxClientCnxns)", "4lw.commands.whitelist=*", "forceSync=yes"]
        if case .ensemble(let members) = listeners {
            lines += ["initLimit=\(initLimit)", "syncLimit=\(syncLimit)"]
            lines += members.map(\.serverLine)
        }
        return lines.joined(separator: "\n") + "\n"
    }
}

/// A server process started by a benchmark, with its output in a log file. `stop()` sends
/// SIGTERM and, after a grace period, SIGKILL; the process never outlives its owner's run.
public final class ServerProcess: Sendable {
    public let kind: ServerKind
    public let port: Int
    public let logPath: String
    private let process: ChildProcess
    /// When the process was spawned (monotonic nanoseconds).
    public let spawnedAt: UInt64

    public var pid: Int32 { process.pid }
    public var isRunning: Bool { process.isRunning }

    /// The command line of a server: `corral keeper --config` (with `--id N` for member N
    /// of an ensemble, which picks its server.N line) or ZooKeeper's ZooKeeperServerMain
    /// (standalone) or QuorumPeerMain (a member: its id is in dataDir/myid), as
    /// Tests/Interop/run starts them.
    public static func commandLine(
        kind: ServerKind, config: String, member: Int? = nil, corralBinary: String, jvmFlags: [String]
    ) -> [String] {
        switch kind {
        case .keeper:
            return [corralBinary, "keeper", "--config", config] + (member.map { ["--id", "\($0)"] } ?? [])
        case .zookeeper:
            let environment = ProcessInfo.processInfo.environment
            let main = member == nil ? "ZooKeeperServerMain" : "quorum.QuorumPeerMain"
            return [environment["ZK_JAVA"] ?? "java"] + jvmFlags + [
                "-Djava.net.preferIPv4Stack=true",
                "-Dzookeeper.admin.enableServer=false",
                "-cp", zooKeeperClasspath(),
                "org.apache.zookeeper.server.\(main)", config,
            ]
        }
    }

    /// ZK_CLASSPATH, or Debian's jars (zookeeper.jar's manifest names its dependencies) with
    /// a logging backend so that the log is not empty.
    public static func zooKeeperClasspath() -> String {
        if let classpath = ProcessInfo.processInfo.environment["ZK_CLASSPATH"] { return classpath }
        var classpath = "/usr/share/java/zookeeper.jar"
        if FileManager.default.fileExists(atPath: "/usr/share/java/slf4j-simple.jar") {
            classpath += ":/usr/share/java/slf4j-simple.jar"
        }
        return classpath
    }

    /// Throws, saying how to install it, if Apache ZooKeeper's jar is missing (a
    /// ZK_CLASSPATH is taken as it is). Keeper is this binary or --corral: nothing to check.
    public static func checkInstalled(_ kind: ServerKind) throws(BenchError) {
        guard kind == .zookeeper, ProcessInfo.processInfo.environment["ZK_CLASSPATH"] == nil,
            !FileManager.default.fileExists(atPath: "/usr/share/java/zookeeper.jar")
        else { return }
        throw .invalidOption(
            "Apache ZooKeeper is not installed (no /usr/share/java/zookeeper.jar): apt-get install zookeeper, "
                + "or set ZK_CLASSPATH to its jars")
    }

    public init(kind: ServerKind, port: Int, arguments: [String], logPath: String) throws {
        self.kind = kind
        self.port = port
        self.logPath = logPath
        spawnedAt = DispatchTime.now().uptimeNanoseconds
        process = try ChildProcess(arguments: arguments, logPath: logPath)
        Self.live.withLockedValue { _ = $0.insert(process.pid) }
    }

    /// Every server process running now, for `killAll` when the benchmark is interrupted.
    private static let live = NIOLockedValueBox<Set<Int32>>([])

    /// SIGKILLs every server process a benchmark started and has not stopped yet (for a
    /// signal handler: the servers must not outlive an interrupted run).
    public static func killAll() {
        for pid in live.withLockedValue({ $0 }) { Glibc.kill(pid, SIGKILL) }
    }

    /// Polls `srvr` until the server says it serves; returns the seconds since spawn.
    public func waitUntilServing(timeout: Double) async throws -> Double {
        let deadline = spawnedAt + UInt64(timeout * 1e9)
        while DispatchTime.now().uptimeNanoseconds < deadline {
            guard process.isRunning else {
                throw BenchError.serverFailed(
                    "\(kind.rawValue) exited during start-up (status \(process.terminationStatus ?? -1)); log: \(logPath)"
                )
            }
            if let reply = FourLetterWord.ask("srvr", port: port, timeout: 1), reply.contains("Mode: ") {
                return Double(DispatchTime.now().uptimeNanoseconds - spawnedAt) / 1e9
            }
            try await Task.sleep(nanoseconds: 5_000_000)
        }
        throw BenchError.serverFailed(
            "\(kind.rawValue) did not answer srvr on port \(port) within \(timeout) s; log: \(logPath)")
    }

    /// SIGTERM, then SIGKILL after `grace` seconds; returns the seconds it took to exit.
    /// It waits even in a cancelled task: stopping its servers is the last thing an
    /// interrupted benchmark does.
    @discardableResult
    public func stop(grace: Double = 30) async -> Double {
        let start = DispatchTime.now().uptimeNanoseconds
        defer { Self.live.withLockedValue { _ = $0.remove(process.pid) } }
        guard process.isRunning else { return 0 }
        Glibc.kill(pid, SIGTERM)
        let deadline = start + UInt64(grace * 1e9)
        while process.isRunning && DispatchTime.now().uptimeNanoseconds < deadline {
            await Task.detached { try? await Task.sleep(nanoseconds: 5_000_000) }.value
        }
        if process.isRunning {
            Glibc.kill(pid, SIGKILL)
            process.waitUntilExit()
        }
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }

    /// SIGKILL and nothing else: the caller times what follows and reaps the process later
    /// with `stop`.
    public func kill() {
        process.signal(SIGKILL)
    }

    /// The exit status, or 128 + the signal that ended the process; nil while it runs.
    public var exitStatus: Int32? { process.terminationStatus }

    deinit {
        if process.isRunning {
            Glibc.kill(process.pid, SIGKILL)
            process.waitUntilExit()
        }
        Self.live.withLockedValue { _ = $0.remove(process.pid) }
    }
}

/// ZooKeeper's four-letter words over a plain blocking socket.
public enum FourLetterWord {
    /// The reply to `word` from 127.0.0.1:`port`, or nil if nothing answered.
    public static func ask(_ word: String, host: String = "127.0.0.1", port: Int, timeout: Double) -> String? {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var time = timeval(tv_sec: Int(timeout), tv_usec: Int((timeout - timeout.rounded(.down)) * 1e6))
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &time, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &time, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr(host)
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else { return nil }
        let bytes = Array(word.utf8)
        guard send(fd, bytes, bytes.count, Int32(MSG_NOSIGNAL)) == bytes.count else { return nil }
        var reply: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, 4096, 0) }
            if count <= 0 { break }
            reply += buffer[..<count]
        }
        return reply.isEmpty ? nil : String(decoding: reply, as: UTF8.self)
    }

    /// What srvr's `Mode:` line says (leader, follower, standalone), or nil while the
    /// server does not serve.
    public static func mode(port: Int, timeout: Double = 1) -> String? {
        ask("srvr", port: port, timeout: timeout).flatMap { field("Mode", in: $0) }
    }

    /// A field of a srvr or mntr reply ("Node count: 5" → "5").
    public static func field(_ name: String, in reply: String) -> String? {
        for line in reply.split(separator: "\n") where line.hasPrefix(name + ":") {
            return String(line.dropFirst(name.count + 1).drop(while: { $0 == " " || $0 == "\t" }))
        }
        return nil
    }
}
