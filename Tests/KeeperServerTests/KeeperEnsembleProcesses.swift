import Foundation
import KeeperProtocol
import NIOConcurrencyHelpers

/// Real `corral keeper --id N` processes forming an ensemble on 127.0.0.1, each with its
/// own free client and quorum ports and its own data directory.
final class KeeperEnsembleProcesses: @unchecked Sendable {
    let servers: [KeeperProcess]
    let directory: String

    init(count: Int, tickTime: Int = 200, syncLimit: Int = 5, extraConfig: [String] = []) throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "corral-ensemble-\(UUID().uuidString)"
        ).path
        self.directory = directory
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        var lines =
            [
                "tickTime=\(tickTime)", "initLimit=10", "syncLimit=\(syncLimit)", "dataDir=\(directory)/data",
                "clientPortAddress=127.0.0.1",
                "4lw.commands.whitelist=*", "maxClientCnxns=0",
            ] + extraConfig
        var ports: [Int] = []
        for id in 1...count {
            let client = try KeeperProcess.freePort()
            let peer = try KeeperProcess.freePort()
            let election = try KeeperProcess.freePort()
            ports.append(client)
            lines.append("server.\(id)=127.0.0.1:\(peer):\(election);\(client)")
        }
        let configPath = directory + "/ensemble.conf"
        try lines.joined(separator: "\n").write(toFile: configPath, atomically: true, encoding: .utf8)
        servers = (1...count).map {
            KeeperProcess(member: $0, port: ports[$0 - 1], directory: directory, configPath: configPath)
        }
    }

    deinit {
        for server in servers { server.kill() }
        try? FileManager.default.removeItem(atPath: directory)
    }

    var ports: [Int] { servers.map(\.port) }

    func startAll() throws { for server in servers { try server.start() } }

    /// What `srvr` says a server's mode is, or nil if it does not answer.
    static func mode(port: Int) -> String? {
        guard let connection = try? RawConnection(port: port, timeoutSeconds: 1),
            (try? connection.send(Array("srvr".utf8))) != nil,
            let answer = try? connection.receiveAll()
        else { return nil }
        let text = String(decoding: answer, as: UTF8.self)
        return text.split(separator: "\n").first { $0.hasPrefix("Mode: ") }.map { String($0.dropFirst(6)) }
    }

    /// Waits until one running server leads and every other running one follows.
    func waitForQuorum(timeout: Duration = .seconds(20)) async throws -> KeeperProcess {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            let running = servers.filter(\.isRunning)
            let modes = running.map { Self.mode(port: $0.port) }
            if let index = modes.firstIndex(of: "leader"), modes.allSatisfy({ $0 == "leader" || $0 == "follower" }) {
                return running[index]
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        let report = servers.map { "\($0.id ?? 0): \(Self.mode(port: $0.port) ?? "down")" }.joined(separator: ", ")
        throw RawConnection.Failure(
            description: "no leader with every running server following within \(timeout): \(report)")
    }

    func logs() -> String { servers.map { "--- server \($0.id ?? 0)\n\($0.log.suffix(3000))" }.joined(separator: "\n") }
}

/// Writes with many requests in flight to whichever server takes them, moving to the next
/// server when its connection fails, and records every write acknowledged and when.
final class EnsembleWriter: Sendable {
    private struct State {
        var acknowledged: [String: [UInt8]] = [:]
        var acks: [(time: ContinuousClock.Instant, zxid: Int64)] = []
        var stopped = false
    }

    private let state = NIOLockedValueBox(State())
    private let ports: [Int]
    private let name: String
    static let inFlight = 16

    init(ports: [Int], name: String) {
        self.ports = ports
        self.name = name
    }

    var acknowledged: [String: [UInt8]] { state.withLockedValue { $0.acknowledged } }

    func stop() { state.withLockedValue { $0.stopped = true } }

    /// The first acknowledgement at or after `instant`.
    func firstAck(after instant: ContinuousClock.Instant) -> ContinuousClock.Instant? {
        state.withLockedValue { $0.acks.first { $0.time >= instant }?.time }
    }

    /// The highest epoch of the writes acknowledged so far.
    var lastEpoch: Int64 { state.withLockedValue { ($0.acks.last?.zxid ?? 0) >> 32 } }

    /// The first acknowledgement of a write committed in an epoch after `epoch`: a new
    /// leader served it.
    func firstAck(afterEpoch epoch: Int64) -> ContinuousClock.Instant? {
        state.withLockedValue { $0.acks.first { $0.zxid >> 32 > epoch }?.time }
    }

    func run() {
        var next = 0
        var serverIndex = 0
        while !state.withLockedValue({ $0.stopped }) {
            writeUntilFailure(port: ports[serverIndex % ports.count], next: &next)
            serverIndex += 1
            usleep(20_000)
        }
    }

    private func writeUntilFailure(port: Int, next: inout Int) {
        guard let connection = try? RawConnection(port: port, timeoutSeconds: 3),
            (try? connection.handshake(timeout: 4000)) != nil
        else {
            return
        }
        var pending: [Int32: (String, [UInt8])] = [:]
        var xid: Int32 = 1
        func send() throws {
            next += 1
            let path = "/\(name)-\(next)"
            let data = Array("\(name) write \(next)".utf8)
            try connection.send(
                Frame.request(xid: xid, .create(CreateRequest(path: path, data: data, acl: ACL.openUnsafe, flags: 0))))
            pending[xid] = (path, data)
            xid += 1
        }
        do {
            for _ in 0..<Self.inFlight { try send() }
            while !state.withLockedValue({ $0.stopped }) {
                var reader = JuteReader(try connection.receiveFrame())
                let header = try ReplyHeader(from: &reader)
                guard let (path, data) = pending.removeValue(forKey: header.xid) else { continue }
                if header.error == .ok {
                    let now = ContinuousClock.now
                    state.withLockedValue {
                        $0.acknowledged[path] = data
                        $0.acks.append((now, header.zxid))
                    }
                }
                try send()
            }
        } catch {
            // The server went away or stopped serving: try the next one.
        }
    }
}

/// Reads every acknowledged write back from one server.
func verifyWrites(_ writes: [String: [UInt8]], port: Int) throws -> [String] {
    let connection = try RawConnection(port: port, timeoutSeconds: 10)
    _ = try connection.handshake()
    // A sync first, so that the server has every write committed before now.
    _ = try connection.call(xid: 1, .sync(path: "/"))
    let paths = writes.keys.sorted()
    var missing: [String] = []
    for batchStart in stride(from: 0, to: paths.count, by: 200) {
        let batch = paths[batchStart..<min(batchStart + 200, paths.count)]
        var bytes: [UInt8] = []
        for (offset, path) in batch.enumerated() {
            bytes += Frame.request(xid: Int32(offset + 2), .getData(path: path, watch: false))
        }
        try connection.send(bytes)
        for path in batch {
            var reader = JuteReader(try connection.receiveFrame())
            let header = try ReplyHeader(from: &reader)
            guard header.error == .ok, case .data(let data, _) = try Response.read(op: .getData, from: &reader),
                data == writes[path]
            else {
                missing.append(path)
                continue
            }
        }
    }
    return missing
}
