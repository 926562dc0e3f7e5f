import Foundation
import KeeperProtocol
import KeeperTestSupport
import NIOConcurrencyHelpers
import Testing

/// Writes with many requests in flight, recording each write the server acknowledged.
private final class Writer: Sendable {
    private let acknowledged = NIOLockedValueBox<[String: [UInt8]]>([:])
    private let port: Int
    private let round: Int
    static let inFlight = 32

    init(port: Int, round: Int) {
        self.port = port
        self.round = round
    }

    var acknowledgedWrites: [String: [UInt8]] { acknowledged.withLockedValue { $0 } }

    /// Runs until the server goes away.
    func run() {
        guard let connection = try? RawConnection(port: port, timeoutSeconds: 10), (try? connection.handshake()) != nil
        else { return }
        var pending: [Int32: (String, [UInt8])] = [:]
        var next: Int32 = 1
        func send() throws {
            let path = "/r\(round)-\(next)"
            let data = Array("round \(round) write \(next)".utf8)
            try connection.send(
                Frame.request(xid: next, .create(CreateRequest(path: path, data: data, acl: ACL.openUnsafe, flags: 0))))
            pending[next] = (path, data)
            next += 1
        }
        do {
            for _ in 0..<Self.inFlight { try send() }
            while true {
                var reader = JuteReader(try connection.receiveFrame())
                let header = try ReplyHeader(from: &reader)
                guard let (path, data) = pending.removeValue(forKey: header.xid) else { continue }
                if header.error == .ok { acknowledged.withLockedValue { $0[path] = data } }
                try send()
            }
        } catch {
            // The server was killed.
        }
    }
}

@Suite("process crashes", .serialized)
struct ProcessCrashTests {
    @Test(
        "every acknowledged write survives SIGKILL at random moments, several times in a row", .timeLimit(.minutes(3)))
    func sigkillUnderLoad() async throws {
        let server = try KeeperProcess(extraConfig: "snapCount=400")
        var random = SystemRandomNumberGenerator()
        var allAcknowledged: [String: [UInt8]] = [:]
        let rounds = 5
        for round in 1...rounds {
            try await onThread { try server.start() }
            // Everything acknowledged before this restart must be there.
            let before = allAcknowledged
            try await onThread { try self.verify(before, port: server.port, context: "after restart \(round - 1)") }
            let writer = Writer(port: server.port, round: round)
            async let written: Void = onThread { writer.run() }
            // The kill falls at a random moment once writes flow: a loaded test process may
            // take a while to schedule the writer's thread at all.
            try await waitUntil(timeout: .seconds(20)) { !writer.acknowledgedWrites.isEmpty }
            try await Task.sleep(for: .milliseconds(Int.random(in: 0...700, using: &random)))
            try await onThread { server.kill() }
            try await written
            let acknowledged = writer.acknowledgedWrites
            #expect(acknowledged.count > 0, "round \(round) acknowledged nothing; log: \(server.log)")
            allAcknowledged.merge(acknowledged) { $1 }
        }
        try await onThread { try server.start() }
        let all = allAcknowledged
        try await onThread { try self.verify(all, port: server.port, context: "after the last restart") }
        print("checked \(allAcknowledged.count) acknowledged writes across \(rounds) SIGKILLs")
        try await onThread { server.kill() }
    }

    /// Reads every write back.
    private func verify(_ writes: [String: [UInt8]], port: Int, context: String) throws {
        guard !writes.isEmpty else { return }
        let missing = try verifyWrites(writes, port: port)
        #expect(
            missing.isEmpty,
            "\(context): \(missing.count) of \(writes.count) acknowledged writes lost, e.g. \(missing.prefix(5))")
    }
}
