import Foundation
import KeeperClient
import NIOConcurrencyHelpers

/// One Apache ZooKeeper standalone server for the whole test process.
///
/// It runs under a small shell watchdog that stops it when the test process exits (or
/// dies: the watchdog polls its parent), and removes its data directory.
public actor ApacheZooKeeper {
    public static let shared = ApacheZooKeeper()

    public static let java = ProcessInfo.processInfo.environment["JAVA"] ?? "/usr/bin/java"
    public static let jar =
        ProcessInfo.processInfo.environment["KEEPER_TEST_ZOOKEEPER_JAR"]
        ?? "/usr/share/java/zookeeper.jar"

    public static var isInstalled: Bool {
        FileManager.default.isExecutableFile(atPath: java) && FileManager.default.fileExists(atPath: jar)
    }

    private var launch: Task<String, any Error>?

    /// `127.0.0.1:PORT` of the running server, started on first use.
    public func hosts() async throws -> String {
        if let launch { return try await launch.value }
        let task = Task { try await Self.start() }
        launch = task
        return try await task.value
    }

    private static func start() async throws -> String {
        var failures: [String] = []
        for port in TestPorts.range {
            if let error = await TestPorts.bindError(port) {
                failures.append("port \(port): \(error)")
                continue
            }
            let hosts = "\(TestPorts.host):\(port)"
            let (process, dir) = try launch(port: port)
            if await waitUntilServing(hosts, process: process) { return hosts }
            let log = (try? String(contentsOfFile: dir + "/zookeeper.out", encoding: .utf8)) ?? ""
            failures.append("port \(port): \(log.split(separator: "\n").suffix(3).joined(separator: " | "))")
            process.terminate()
        }
        throw TestServerError.launchFailed(
            "Apache ZooKeeper did not start on any free port of \(TestPorts.range): \(failures.joined(separator: "; "))"
        )
    }

    /// The zoo.cfg: a 1 s tick (sessions of 2 s and up), TTL nodes on, no connection limit
    /// (tests run side by side), every four-letter word allowed.
    static func config(port: Int, dataDir: String) -> String {
        """
        tickTime=1000
        dataDir=\(dataDir)
        clientPort=\(port)
        clientPortAddress=\(TestPorts.host)
        maxClientCnxns=0
        4lw.commands.whitelist=*
        extendedTypesEnabled=true
        admin.enableServer=false
        """
    }

    private static func launch(port: Int) throws -> (Process, String) {
        let dir = FileManager.default.temporaryDirectory
            .appendingPathComponent("keeper-test-zookeeper-\(getpid())-\(port)").path
        try FileManager.default.createDirectory(atPath: dir + "/data", withIntermediateDirectories: true)
        try config(port: port, dataDir: dir + "/data").write(
            toFile: dir + "/zoo.cfg", atomically: true, encoding: .utf8)
        let script = """
            '\(java)' -cp '\(jar)' -Dzookeeper.log.dir='\(dir)' \
              org.apache.zookeeper.server.ZooKeeperServerMain '\(dir)/zoo.cfg' >'\(dir)/zookeeper.out' 2>&1 &
            zk=$!
            trap 'kill $zk 2>/dev/null; wait $zk; rm -rf "\(dir)"; exit 0' TERM INT
            while kill -0 \(getpid()) 2>/dev/null && kill -0 $zk 2>/dev/null; do sleep 0.5; done
            kill $zk 2>/dev/null; wait $zk; rm -rf '\(dir)'
            """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", script]
        try process.run()
        Watchdog.register(process.processIdentifier)
        return (process, dir)
    }

    private static func waitUntilServing(_ hosts: String, process: Process) async -> Bool {
        let deadline = ContinuousClock.now + .seconds(30)
        var configuration = TestServers.testConfiguration()
        configuration.reconnectDelayMax = .milliseconds(200)
        while ContinuousClock.now < deadline && process.isRunning {
            if let client = try? await KeeperClient.connect(hosts, configuration: configuration, timeout: .seconds(1)) {
                await client.close()
                return true
            }
            try? await Task.sleep(for: .milliseconds(200))
        }
        return false
    }
}

/// Stops the launched watchdog shells when the test process exits normally.
enum Watchdog {
    private static let shells = NIOLockedValueBox<[Int32]>([])
    private static let installed = NIOLockedValueBox(false)

    static func register(_ pid: Int32) {
        shells.withLockedValue { $0.append(pid) }
        let install = installed.withLockedValue { installed in
            defer { installed = true }
            return !installed
        }
        if install { atexit { Watchdog.stopAll() } }
    }

    static func stopAll() {
        for pid in shells.withLockedValue({ $0 }) { kill(pid, SIGTERM) }
    }
}
