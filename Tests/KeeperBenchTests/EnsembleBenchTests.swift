import Foundation
import KeeperTestSupport
import Testing

@testable import KeeperBench

/// The servers `corral bench serve` and `corral bench election` start, against the debug
/// build's `corral keeper` (and Apache ZooKeeper where it is installed), with short ticks.
/// They check what the tools report and that nothing is left behind, never a timing.
@Suite("corral bench serve and election")
struct EnsembleBenchTests {
    /// The corral binary built beside the test bundle (or CORRAL_BINARY).
    static var corral: String {
        if let path = ProcessInfo.processInfo.environment["CORRAL_BINARY"] { return path }
        return URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
            .appendingPathComponent("corral").path
    }

    static func options(_ server: ServerKind, size: Int) -> EnsembleOptions {
        var options = EnsembleOptions(server: server)
        options.size = size
        options.tickTime = server == .keeper ? 200 : 500
        options.corralBinary = corral
        options.startTimeout = 60
        // Below the kernel's ephemeral range (32768-60999) and apart from KeeperProcess's
        // (22000-31999): a port the kernel picked could be taken by another test's client
        // socket between the pick and the server's bind (seen once under AddressSanitizer).
        options.portRange = 20000...21799
        return options
    }

    @Test(
        "a 3-server Keeper ensemble: one leader, its pid watched by bench keeper, nothing left at the end",
        .timeLimit(.minutes(2)))
    func keeperEnsemble() async throws {
        let options = Self.options(.keeper, size: 3)
        let (report, directory) = try await BenchEnsemble.run(options, progress: { _ in }) { ensemble in
            let report = ensemble.report()
            var load = BenchOptions(servers: ensemble.servers, op: .get)
            load.duration = 0.5
            load.workingSet = 10
            load.progress = false
            load.serverPids = report.members.map(\.pid)
            let usage = try #require(try await KeeperBench.run(load).server)
            let leader = try #require(report.members.first { $0.mode == "leader" })
            #expect(usage.pid == leader.pid, "bench keeper watched \(usage.pid), the leader is \(leader.pid)")
            return (report, ensemble.directory)
        }
        #expect(report.members.map(\.mode).sorted() == ["follower", "follower", "leader"])
        #expect(Set(report.members.map(\.pid)).count == 3 && report.members.allSatisfy { $0.rssKib > 0 })
        #expect(report.version.contains("corral"), "\(report.version)")
        #expect(report.command.first == Self.corral && report.command.suffix(2) == ["--id", "1"], "\(report.command)")
        #expect(report.servers.split(separator: ",").count == 3 && report.pids.split(separator: ",").count == 3)
        #expect(!FileManager.default.fileExists(atPath: directory), "\(directory) is still there")
        for member in report.members { #expect(kill(member.pid, 0) != 0, "server.\(member.id) still runs") }
    }

    @Test("election on a 3-server Keeper ensemble: two leader kills, each timed and healed", .timeLimit(.minutes(2)))
    func keeperElection() async throws {
        try await checkElection(.keeper, kills: 2)
    }

    @Test(
        "election on a 3-server Apache ZooKeeper ensemble", .enabled(if: ApacheZooKeeper.isInstalled),
        .timeLimit(.minutes(3)))
    func zooKeeperElection() async throws {
        try await checkElection(.zookeeper, kills: 1)
    }

    private func checkElection(_ server: ServerKind, kills: Int) async throws {
        var options = ElectionOptions(server: server)
        options.ensemble = Self.options(server, size: 3)
        options.kills = kills
        options.timeout = 30
        let lines = LineSink()
        let report = try await ElectionBench.run(options) { lines.append($0) }
        #expect(report.kills.count == kills && report.server == server && report.ensemble == 3)
        for kill in report.kills {
            #expect(kill.killed != kill.newLeader, "\(kill)")
            #expect(kill.leaderMs > 0 && kill.leaderMs <= kill.writeMs, "\(kill)")
            #expect(kill.writeAttempts >= 1 && kill.rejoinSeconds > 0, "\(kill)")
        }
        #expect(report.leaderMsMedian > 0 && report.leaderMsMedian <= report.writeMsMedian)
        #expect(lines.count >= 3 * kills, "progress: a line per kill, failover and return")
        let json = try #require(JSONSerialization.jsonObject(with: Data(report.json().utf8)) as? [String: Any])
        for key in ["leader_ms_median", "write_ms_median", "kills", "server"] { #expect(json[key] != nil, "no \(key)") }
    }

    @Test("an election needs an ensemble of 3 or more")
    func electionNeedsThree() async {
        var options = ElectionOptions(server: .keeper)
        options.ensemble.size = 1
        await #expect(throws: BenchError.self) { try await ElectionBench.run(options) }
    }
}

@Suite("ports and zoo.cfg of the benchmarks' servers")
struct ServerSetupTests {
    @Test("picked ports are distinct and never handed out twice")
    func distinctPorts() throws {
        let first = try PortPicker.pick(9)
        let second = try PortPicker.pick(9)
        #expect(Set(first).count == 9 && Set(second).count == 9)
        #expect(Set(first).isDisjoint(with: second))
    }

    @Test("a range gives its first free ports, and says so when it runs out")
    func range() throws {
        let free = try PortPicker.pick(1)[0]
        let low = free > 60000 ? free - 200 : free + 1
        let range = try PortPicker.parseRange("\(low)-\(low + 49)")
        let ports = try PortPicker.pick(3, in: range)
        #expect(ports.allSatisfy(range.contains) && ports == ports.sorted())
        #expect(throws: BenchError.self) { try PortPicker.pick(60, in: range) }
        for bad in ["", "5", "9-3", "0-10", "10-70000", "a-b"] {
            #expect(throws: BenchError.self, "\(bad)") { try PortPicker.parseRange(bad) }
        }
    }

    @Test("an ensemble member's zoo.cfg names every member and no clientPort")
    func ensembleConfig() {
        let members = (1...3).map {
            MemberPorts(id: $0, clientPort: 100 + $0, peerPort: 200 + $0, electionPort: 300 + $0)
        }
        var settings = ServerSettings(listeners: .ensemble(members), dataDir: "/d")
        settings.tickTime = 200
        #expect(
            settings.zooCfg == """
                tickTime=200
                dataDir=/d
                maxClientCnxns=1000
                4lw.commands.whitelist=*
                forceSync=yes
                initLimit=10
                syncLimit=5
                server.1=127.0.0.1:201:301;127.0.0.1:101
                server.2=127.0.0.1:202:302;127.0.0.1:102
                server.3=127.0.0.1:203:303;127.0.0.1:103

                """)
        let standalone = ServerSettings(listeners: .standalone(clientPort: 2181), dataDir: "/d").zooCfg
        #expect(standalone.contains("clientPort=2181\nclientPortAddress=127.0.0.1\n"))
        #expect(!standalone.contains("initLimit") && !standalone.contains("server.1"))
    }
}

/// `corral bench serve` as a script runs it: in the background, its report read from its
/// output, stopped with SIGTERM.
@Suite("corral bench serve as a process")
struct BenchServeCommandTests {
    private struct Run {
        let child: ChildProcess
        let log: String
        let tmpdir: String
    }

    private func start(_ arguments: [String]) throws -> Run {
        let tmpdir = NSTemporaryDirectory() + "corral-serve-test-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: tmpdir, withIntermediateDirectories: true)
        let log = tmpdir + "/serve.out"
        let child = try ChildProcess(
            arguments: [
                EnsembleBenchTests.corral, "bench", "serve", "--tmpdir", tmpdir, "--tick-time", "200", "--json",
            ]
                + arguments, logPath: log)
        return Run(child: child, log: log, tmpdir: tmpdir)
    }

    /// The JSON line, once the server serves.
    private func report(of run: Run) async throws -> ServeReport {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        for _ in 0..<600 {
            let output = (try? String(contentsOfFile: run.log, encoding: .utf8)) ?? ""
            if let line = output.split(separator: "\n").first(where: { $0.hasPrefix("{") }) {
                return try decoder.decode(ServeReport.self, from: Data(line.utf8))
            }
            #expect(run.child.isRunning, "serve exited early: \(output)")
            try await Task.sleep(for: .milliseconds(100))
        }
        throw BenchError.serverFailed("no report within 60 s")
    }

    @Test("SIGTERM stops the server and removes its files; serve exits 0", .timeLimit(.minutes(1)))
    func stopsOnSigterm() async throws {
        let run = try start([])
        defer { try? FileManager.default.removeItem(atPath: run.tmpdir) }
        let report = try await report(of: run)
        let server = try #require(report.members.first)
        #expect(report.ensemble == 1 && server.mode == "standalone" && kill(server.pid, 0) == 0)
        #expect(FourLetterWord.mode(port: server.port) == "standalone")
        run.child.signal(SIGTERM)
        #expect(run.child.waitUntilExit() == 0)
        #expect(kill(server.pid, 0) != 0, "the server outlived serve")
        #expect(!FileManager.default.fileExists(atPath: report.directory))
    }

    @Test("a server that dies ends serve with an error naming it; its files stay", .timeLimit(.minutes(1)))
    func serverDies() async throws {
        let run = try start(["--ensemble", "3"])
        defer { try? FileManager.default.removeItem(atPath: run.tmpdir) }
        let report = try await report(of: run)
        let follower = try #require(report.members.first { $0.mode == "follower" })
        kill(follower.pid, SIGKILL)
        #expect(run.child.waitUntilExit() == 1)
        let output = try String(contentsOfFile: run.log, encoding: .utf8)
        #expect(output.contains("server.\(follower.id) (pid \(follower.pid)) exited with status 137"), "\(output)")
        #expect(FileManager.default.fileExists(atPath: report.directory + "/zoo.cfg"))
        for member in report.members { #expect(kill(member.pid, 0) != 0, "server.\(member.id) outlived serve") }
    }
}
