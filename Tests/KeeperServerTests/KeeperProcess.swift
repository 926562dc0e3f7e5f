import Foundation
import KeeperTestSupport
import NIOConcurrencyHelpers

#if canImport(Glibc)
    import Glibc
#endif

/// A real `corral keeper` process on 127.0.0.1, for tests that kill it with SIGKILL.
final class KeeperProcess: @unchecked Sendable {
    let port: Int
    let directory: String
    /// The config file; shared by the members of an ensemble.
    let configPath: String
    /// The member's `server.N` number, or nil standalone.
    let id: Int?
    private let ownsDirectory: Bool
    private var process: Process?

    /// The corral binary built beside the test bundle (or CORRAL_BINARY).
    static var binary: String {
        if let path = ProcessInfo.processInfo.environment["CORRAL_BINARY"] { return path }
        let testBundle = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        return testBundle.appendingPathComponent("corral").path
    }

    /// Writes a config into a fresh directory under /tmp.
    init(extraConfig: String = "") throws {
        directory =
            FileManager.default.temporaryDirectory.appendingPathComponent("corral-process-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        port = try Self.freePort()
        let config = """
            tickTime=200
            dataDir=\(directory)/data
            clientPort=\(port)
            clientPortAddress=127.0.0.1
            4lw.commands.whitelist=*
            \(extraConfig)
            """
        configPath = directory + "/keeper.conf"
        id = nil
        ownsDirectory = true
        try config.write(toFile: configPath, atomically: true, encoding: .utf8)
    }

    /// A member of an ensemble whose config is already written.
    init(member id: Int, port: Int, directory: String, configPath: String) {
        self.id = id
        self.port = port
        self.directory = directory
        self.configPath = configPath
        ownsDirectory = false
    }

    deinit {
        kill()
        if ownsDirectory { try? FileManager.default.removeItem(atPath: directory) }
    }

    var isRunning: Bool { process?.isRunning == true }

    /// The server's process id while it runs.
    var pid: Int32? { process?.processIdentifier }

    /// The server's resident memory in MiB now (VmRSS), or its peak (VmHWM), from /proc.
    func memoryMiB(_ field: String = "VmRSS") -> Double? {
        guard let pid, let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else {
            return nil
        }
        for line in status.split(separator: "\n") where line.hasPrefix(field + ":") {
            return Int(line.dropFirst(field.count + 1).filter(\.isNumber)).map { Double($0) / 1024 }
        }
        return nil
    }

    private var logPath: String { directory + "/keeper\(id.map { "-\($0)" } ?? "").log" }

    /// Starts the server and waits until it accepts connections.
    func start() throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.binary)
        process.arguments =
            ["keeper", "--config", configPath, "--log-level", "info"] + (id.map { ["--id", "\($0)"] } ?? [])
        // A crashed test run must not leave servers behind.
        process.environment = ProcessInfo.processInfo.environment.merging(["CORRAL_EXIT_WITH_PARENT": "\(getpid())"]) {
            $1
        }
        if !FileManager.default.fileExists(atPath: logPath) {
            _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        }
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        log.seekToEndOfFile()
        process.standardOutput = log
        process.standardError = log
        let served = servingLines
        try process.run()
        self.process = process
        // Its own "serving" line, not just a listener: another test's server may have
        // taken the port since this one was killed. Up to 20 s: with the whole suite running
        // on two cores a debug build has been seen to take more than 5 s to start.
        for _ in 0..<800 {
            guard process.isRunning else {
                throw RawConnection.Failure(description: "corral keeper exited at start; log: \(self.log)")
            }
            if servingLines > served, (try? RawConnection(port: port, timeoutSeconds: 1)) != nil { return }
            usleep(25_000)
        }
        throw RawConnection.Failure(
            description: "corral keeper did not listen on \(port) within 20 s; log: \(self.log)")
    }

    private var servingLines: Int { log.components(separatedBy: "serving clients ").count - 1 }

    /// SIGKILL, then wait for the process to be gone.
    func kill() {
        guard let process, process.isRunning else { return }
        Glibc.kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        self.process = nil
    }

    var log: String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }

    /// Ports for the processes tests start: 22000..<32000, below the kernel's ephemeral
    /// range (32768-60999), which every client socket and every port-0 listener of the test
    /// process draws from, so a port handed out here is not taken by one of those between
    /// this check and the server's bind. Each test process starts at its own offset and
    /// never hands out a port twice.
    private static let portsToTry = 22000..<32000
    private static let nextPort = NIOLockedValueBox(22000 + Int(getpid() % 50) * 200)

    static func freePort() throws -> Int {
        for _ in 0..<portsToTry.count {
            let port = nextPort.withLockedValue { next -> Int in
                defer { next = next + 1 < portsToTry.upperBound ? next + 1 : portsToTry.lowerBound }
                return next
            }
            if !TestPorts.range.contains(port) && canBind(port) { return port }
        }
        throw RawConnection.Failure(description: "no free port in \(portsToTry)")
    }

    private static func canBind(_ port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
    }
}
