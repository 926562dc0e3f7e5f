import Foundation
import KeeperProtocol
import KeeperTestSupport
import Testing

@Suite("ensemble processes", .serialized)
struct EnsembleProcessTests {
    @Test(
        "killing the leader under write load: a new leader serves within seconds, nothing acknowledged is lost, the old leader rejoins",
        .timeLimit(.minutes(3)))
    func leaderKill() async throws {
        let ensemble = try KeeperEnsembleProcesses(count: 3)
        try await onThread { try ensemble.startAll() }
        var leader = try await ensemble.waitForQuorum()
        let writer = EnsembleWriter(ports: ensemble.ports, name: "w")
        defer { writer.stop() }
        async let written: Void = onThread { writer.run() }
        var failovers: [Duration] = []
        for round in 1...3 {
            try await Task.sleep(for: .milliseconds(700))
            let epoch = writer.lastEpoch
            let killedAt = ContinuousClock.now
            let killed = leader
            try await onThread { killed.kill() }
            leader = try await ensemble.waitForQuorum()
            #expect(leader !== killed, "round \(round): the killed server leads again")
            try await waitUntil(timeout: .seconds(10)) { writer.firstAck(afterEpoch: epoch) != nil }
            guard let resumed = writer.firstAck(afterEpoch: epoch) else {
                Issue.record("round \(round): no write acknowledged after the leader was killed\n\(ensemble.logs())")
                break
            }
            failovers.append(resumed - killedAt)
            try await onThread { try killed.start() }
            let settled = try await ensemble.waitForQuorum()
            #expect(settled !== killed || round == 0, "round \(round): the restarted old leader should follow")
        }
        try await Task.sleep(for: .milliseconds(500))
        writer.stop()
        try await written
        let writes = writer.acknowledged
        #expect(writes.count > 100, "only \(writes.count) writes acknowledged\n\(ensemble.logs())")
        for server in ensemble.servers {
            let missing = try await onThread { try verifyWrites(writes, port: server.port) }
            #expect(
                missing.isEmpty,
                "server \(server.id ?? 0) lacks \(missing.count) of \(writes.count) acknowledged writes, e.g. \(missing.prefix(3))\n\(ensemble.logs())"
            )
        }
        let shown = failovers.map {
            "\($0.components.seconds * 1000 + $0.components.attoseconds / 1_000_000_000_000_000) ms"
        }
        print(
            "leader kill: writes served by the new leader \(shown.joined(separator: ", ")) after the kill; \(writes.count) acknowledged writes checked on 3 servers"
        )
    }

    @Test(
        "a follower's death does not stop writes; losing a majority stops them; the ensemble recovers by itself",
        .timeLimit(.minutes(3)))
    func followerAndMajority() async throws {
        let ensemble = try KeeperEnsembleProcesses(count: 3)
        try await onThread { try ensemble.startAll() }
        let leader = try await ensemble.waitForQuorum()
        let followers = ensemble.servers.filter { $0 !== leader }
        let writer = EnsembleWriter(ports: [leader.port], name: "f")
        defer { writer.stop() }
        async let written: Void = onThread { writer.run() }
        try await Task.sleep(for: .milliseconds(500))
        let killedAt = ContinuousClock.now
        try await onThread { followers[0].kill() }
        try await Task.sleep(for: .milliseconds(800))
        #expect(writer.firstAck(after: killedAt + .milliseconds(300)) != nil, "writes stopped when one follower died")
        // Now only the leader is left of three: it must stop taking writes.
        try await onThread { followers[1].kill() }
        try await Task.sleep(for: .seconds(2))
        let stalledFrom = ContinuousClock.now
        try await Task.sleep(for: .seconds(1))
        #expect(writer.firstAck(after: stalledFrom) == nil, "writes acknowledged without a quorum")
        #expect(KeeperEnsembleProcesses.mode(port: leader.port) == "looking")
        try await onThread { try followers[0].start() }
        try await onThread { try followers[1].start() }
        _ = try await ensemble.waitForQuorum()
        let healedAt = ContinuousClock.now
        let healedWriter = EnsembleWriter(ports: ensemble.ports, name: "h")
        defer { healedWriter.stop() }
        async let healedWritten: Void = onThread { healedWriter.run() }
        try await waitUntil(timeout: .seconds(10)) { healedWriter.firstAck(after: healedAt) != nil }
        writer.stop()
        healedWriter.stop()
        try await written
        try await healedWritten
        #expect(!healedWriter.acknowledged.isEmpty, "no writes after the majority came back\n\(ensemble.logs())")
        let writes = writer.acknowledged.merging(healedWriter.acknowledged) { $1 }
        for server in ensemble.servers {
            let missing = try await onThread { try verifyWrites(writes, port: server.port) }
            #expect(
                missing.isEmpty,
                "server \(server.id ?? 0) lacks \(missing.count) acknowledged writes\n\(ensemble.logs())")
        }
    }

    @Test(
        "a follower that stops reading is dropped once peerQueueBytesMax is queued for it; writes go on; it comes back with every write",
        .timeLimit(.minutes(3)))
    func stoppedFollower() async throws {
        // syncLimit 50 ticks (10 s): the queue bound, not the follower's silence, must be
        // what drops it.
        let ensemble = try KeeperEnsembleProcesses(count: 3, syncLimit: 50, extraConfig: ["peerQueueBytesMax=8388608"])
        try await onThread { try ensemble.startAll() }
        let leader = try await ensemble.waitForQuorum()
        let stopped = ensemble.servers.first { $0 !== leader }!
        guard let pid = stopped.pid else { throw RawConnection.Failure(description: "follower not running") }
        Glibc.kill(pid, SIGSTOP)
        defer { Glibc.kill(pid, SIGCONT) }
        let stoppedAt = ContinuousClock.now
        // 32 MB of creates, 1 MB at a time (a healthy follower never has 8 MB queued): more
        // than the stopped follower's socket buffers (at most 10 MB here) and the bound together.
        let writes: [String: [UInt8]]
        do {
            writes = try await onThread { try Self.writeLarge(port: leader.port, count: 512, size: 64 << 10) }
        } catch {
            Issue.record("writing to the leader failed: \(error)\n\(ensemble.logs())")
            return
        }
        try await waitUntil(timeout: .seconds(8)) { leader.log.contains("is not keeping up") }
        let droppedAfter = ContinuousClock.now - stoppedAt
        #expect(
            leader.log.contains("server \(stopped.id ?? 0) is not keeping up"),
            "the leader held the stopped follower's queue\n\(ensemble.logs())")
        Glibc.kill(pid, SIGCONT)
        // Until it notices the dropped connection it still calls itself a follower: read
        // until a sync on it succeeds and finds every write.
        var missing = Array(writes.keys)
        let deadline = ContinuousClock.now + .seconds(20)
        while !missing.isEmpty && ContinuousClock.now < deadline {
            missing = (try? await onThread { try verifyWrites(writes, port: stopped.port) }) ?? missing
            if !missing.isEmpty { try await Task.sleep(for: .milliseconds(200)) }
        }
        #expect(missing.isEmpty, "the follower lacks \(missing.count) writes after it came back\n\(ensemble.logs())")
        print(
            "stopped follower: dropped \(droppedAfter.components.seconds * 1000 + droppedAfter.components.attoseconds / 1_000_000_000_000_000) ms after SIGSTOP, \(writes.count) writes of 64 KiB on all three"
        )
    }

    /// Creates `count` znodes of `size` bytes through one connection, 16 in flight; every
    /// reply must be ok.
    static func writeLarge(port: Int, count: Int, size: Int) throws -> [String: [UInt8]] {
        let connection = try RawConnection(port: port, timeoutSeconds: 20)
        _ = try connection.handshake()
        var writes: [String: [UInt8]] = [:]
        for batch in stride(from: 0, to: count, by: 16) {
            let numbers = batch..<min(batch + 16, count)
            var frames: [UInt8] = []
            for number in numbers {
                let data = [UInt8](repeating: UInt8(number % 251), count: size)
                writes["/large-\(number)"] = data
                let create = CreateRequest(path: "/large-\(number)", data: data, acl: ACL.openUnsafe, flags: 0)
                frames += Frame.request(xid: Int32(number + 1), .create(create))
            }
            try connection.send(frames)
            for number in numbers {
                var reader = JuteReader(try connection.receiveFrame())
                let header = try ReplyHeader(from: &reader)
                guard header.xid == Int32(number + 1), header.error == .ok else {
                    throw RawConnection.Failure(description: "create \(number): xid \(header.xid), \(header.error)")
                }
            }
        }
        return writes
    }
}

func waitUntil(timeout: Duration, _ condition: () -> Bool) async throws {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if condition() { return }
        try await Task.sleep(for: .milliseconds(20))
    }
}
