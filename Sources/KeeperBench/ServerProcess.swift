import Dispatch
import FoundationEssentials
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// Which server `corral bench recovery` starts.
public enum RecoveryServerKind: String, Sendable, Codable, CaseIterable {
    case keeper
    case zookeeper
}

/// A zoo.cfg both servers read alike: the keys the benchmarks set, nothing else.
public struct ServerSettings: Sendable {
    public var port: Int
    public var dataDir: String
    public var tickTime = 2000
    public var maxClientCnxns = 1000

    public init(port: Int, dataDir: String) {
        self.port = port
        self.dataDir = dataDir
    }

    public var zooCfg: String {
        """
        tickTime=\(tickTime)
        dataDir=\(dataDir)
        clientPort=\(port)
        clientPortAddress=127.0.0.1
        maxClientCnxns=\(maxClientCnxns)
        4lw.commands.whitelist=*
        forceSync=yes

        """
    }
}

/// A server process started by a benchmark, with its output in a log file. `stop()` sends
/// SIGTERM and, after a grace period, SIGKILL; the process never outlives its owner's run.
public final class ServerProcess: Sendable {
    public let kind: RecoveryServerKind
    public let port: Int
    public let logPath: String
    private let process: ChildProcess
    /// When the process was spawned (monotonic nanoseconds).
    public let spawnedAt: UInt64

    public var pid: Int32 { process.pid }
    public var isRunning: Bool { process.isRunning }

    /// The command line of a server: `corral keeper --config` or ZooKeeper's
    /// ZooKeeperServerMain, as Tests/Interop/run starts it.
    public static func commandLine(
        kind: RecoveryServerKind, config: String, corralBinary: String, jvmFlags: [String]
    ) -> [String] {
        switch kind {
        case .keeper:
            return [corralBinary, "keeper", "--config", config]
        case .zookeeper:
            let environment = ProcessInfo.processInfo.environment
            return [environment["ZK_JAVA"] ?? "java"] + jvmFlags + [
                "-Djava.net.preferIPv4Stack=true",
                "-Dzookeeper.admin.enableServer=false",
                "-cp", zooKeeperClasspath(),
                "org.apache.zookeeper.server.ZooKeeperServerMain", config,
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

    public init(kind: RecoveryServerKind, port: Int, arguments: [String], logPath: String) throws {
        self.kind = kind
        self.port = port
        self.logPath = logPath
        spawnedAt = DispatchTime.now().uptimeNanoseconds
        process = try ChildProcess(arguments: arguments, logPath: logPath)
        Self.live.withLock { _ = $0.insert(process.pid) }
    }

    /// Every server process running now, for `killAll` when the benchmark is interrupted.
    private static let live = Mutex<Set<Int32>>([])

    /// SIGKILLs every server process a benchmark started and has not stopped yet (for a
    /// signal handler: the servers must not outlive an interrupted run).
    public static func killAll() {
        for pid in live.withLock({ $0 }) { kill(pid, SIGKILL) }
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
    @discardableResult
    public func stop(grace: Double = 30) async -> Double {
        let start = DispatchTime.now().uptimeNanoseconds
        guard process.isRunning else { return 0 }
        kill(pid, SIGTERM)
        let deadline = start + UInt64(grace * 1e9)
        while process.isRunning && DispatchTime.now().uptimeNanoseconds < deadline {
            try? await Task.sleep(nanoseconds: 5_000_000)
        }
        if process.isRunning {
            kill(pid, SIGKILL)
            process.waitUntilExit()
        }
        Self.live.withLock { _ = $0.remove(process.pid) }
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }

    deinit {
        if process.isRunning {
            kill(process.pid, SIGKILL)
            process.waitUntilExit()
        }
        Self.live.withLock { _ = $0.remove(process.pid) }
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

    /// A field of a srvr or mntr reply ("Node count: 5" → "5").
    public static func field(_ name: String, in reply: String) -> String? {
        for line in reply.split(separator: "\n") where line.hasPrefix(name + ":") {
            return String(line.dropFirst(name.count + 1).drop(while: { $0 == " " || $0 == "\t" }))
        }
        return nil
    }

    /// A free TCP port on 127.0.0.1 (the kernel's pick).
    public static func freePort() -> Int? {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer -> Int32 in
                guard bind(fd, pointer, length) == 0 else { return -1 }
                return getsockname(fd, pointer, &length)
            }
        }
        return bound == 0 ? Int(UInt16(bigEndian: address.sin_port)) : nil
    }
}
