import CorralSim
import KeeperCore
import KeeperProtocol
import KeeperStorage
import Testing

/// Runs the server's storage routine over the simulated disk: batches appended and synced
/// (a batch is acknowledged once its sync returns), a snapshot now and then after a roll,
/// a purge after each snapshot. Returns the highest acknowledged zxid when the machine
/// crashes or the workload ends.
private func runStorage(_ workload: Workload, on fileSystem: SimulatedFileSystem, from start: Int64 = 0) -> Int64 {
    let writer = LogWriter(fileSystem: fileSystem, directory: "/data", preallocationStep: 4096, lastZxid: start)
    var acknowledged = start
    var batchStart = Int(start)
    var batch = 1
    do {
        while batchStart < workload.entries.count {
            let size = 1 + batch % 5
            let entries = Array(workload.entries[batchStart..<min(batchStart + size, workload.entries.count)])
            try writer.append(entries)
            try writer.sync()
            acknowledged = entries.last!.zxid
            batchStart += entries.count
            if batch % 7 == 0 {
                try writer.roll()
                let contents = SnapshotContents(
                    tree: workload.trees[Int(acknowledged)], sessions: workload.sessions[Int(acknowledged)])
                try SnapshotFile.write(contents, fileSystem: fileSystem, directory: "/data")
                try Purge.run(fileSystem: fileSystem, snapshotDirectory: "/data", logDirectory: "/data", retain: 3)
            }
            batch += 1
        }
        try writer.close()
    } catch {
        #expect(error is SimulatedFileSystem.Crashed, "unexpected \(error)")
    }
    return acknowledged
}

private func recover(_ fileSystem: SimulatedFileSystem) throws -> (SnapshotContents, RecoveryReport) {
    try Recovery.recover(fileSystem: fileSystem, snapshotDirectory: "/data", logDirectory: "/data")
}

/// The recovered state must hold every acknowledged transaction and be exactly the state
/// after some prefix of the transactions: nothing lost, nothing invented.
private func checkRecovered(_ state: SnapshotContents, _ workload: Workload, acknowledged: Int64, _ context: String) {
    #expect(state.zxid >= acknowledged, "\(context): recovered zxid \(state.zxid) < acknowledged \(acknowledged)")
    guard state.zxid >= 0, Int(state.zxid) < workload.trees.count else {
        Issue.record("\(context): recovered zxid \(state.zxid) was never written")
        return
    }
    #expect(
        fingerprint(state.tree) == fingerprint(workload.trees[Int(state.zxid)]),
        "\(context): tree differs at zxid \(state.zxid)")
    #expect(state.sessions == workload.sessions[Int(state.zxid)], "\(context): sessions differ")
}

@Suite("crash recovery over the simulated disk")
struct CrashRecoveryTests {
    static let workload = Workload(count: 120, seed: 7)

    /// How many file-system operations the whole routine takes, crash-free.
    static let operationCount: Int = {
        let fileSystem = SimulatedFileSystem()
        try! fileSystem.makeDirectory("/data")
        _ = runStorage(workload, on: fileSystem)
        return fileSystem.operationCount
    }()

    @Test("a crash at every operation recovers every acknowledged transaction and nothing else")
    func everyCrashPoint() throws {
        var checked = 0
        for crashAt in 1..<Self.operationCount {
            for seed in UInt64(1)...3 {
                let fileSystem = SimulatedFileSystem()
                try fileSystem.makeDirectory("/data")
                fileSystem.crash(atOperation: crashAt)
                let acknowledged = runStorage(Self.workload, on: fileSystem)
                var random = SeededRandom(seed: seed &* 1000 &+ UInt64(crashAt))
                fileSystem.reboot(random: &random)
                let context = "crash at operation \(crashAt) of \(Self.operationCount), reboot seed \(seed)"
                do {
                    let (state, _) = try recover(fileSystem)
                    checkRecovered(state, Self.workload, acknowledged: acknowledged, context)
                } catch {
                    Issue.record("\(context): recovery failed: \(error)")
                }
                checked += 1
            }
        }
        #expect(checked == (Self.operationCount - 1) * 3 && checked > 300)
    }

    @Test("recovery, more writes and a second crash still lose nothing")
    func crashTwice() throws {
        for crashAt in stride(from: 3, to: Self.operationCount, by: 7) {
            let fileSystem = SimulatedFileSystem()
            try fileSystem.makeDirectory("/data")
            fileSystem.crash(atOperation: crashAt)
            _ = runStorage(Self.workload, on: fileSystem)
            var random = SeededRandom(seed: UInt64(crashAt))
            fileSystem.reboot(random: &random)
            let (first, _) = try recover(fileSystem)
            fileSystem.crash(atOperation: crashAt / 2 + 5)
            let acknowledged = runStorage(Self.workload, on: fileSystem, from: first.zxid)
            fileSystem.reboot(random: &random)
            let (second, _) = try recover(fileSystem)
            checkRecovered(
                second, Self.workload, acknowledged: max(acknowledged, first.zxid), "second crash after \(crashAt)")
        }
    }

    @Test("recovery works through short reads")
    func shortReads() throws {
        let fileSystem = SimulatedFileSystem()
        try fileSystem.makeDirectory("/data")
        let acknowledged = runStorage(Self.workload, on: fileSystem)
        fileSystem.setShortReads(true)
        let (state, _) = try recover(fileSystem)
        checkRecovered(state, Self.workload, acknowledged: acknowledged, "short reads")
        #expect(state.zxid == 120)
    }

    @Test("a failed write surfaces as an error and acknowledges nothing more")
    func injectedFailure() throws {
        let fileSystem = SimulatedFileSystem()
        try fileSystem.makeDirectory("/data")
        let writer = LogWriter(fileSystem: fileSystem, directory: "/data", preallocationStep: 4096, lastZxid: 0)
        try writer.append(Array(Self.workload.entries[0..<3]))
        try writer.sync()
        fileSystem.fail(atOperation: fileSystem.operationCount)
        #expect(throws: SimulatedFileSystem.InjectedFailure.self) {
            try writer.append(Array(Self.workload.entries[3..<6]))
        }
    }
}

@Suite("damaged files")
struct DamageTests {
    /// A log of 40 transactions in one segment, synced, and its path.
    private func logOnly() throws -> (SimulatedFileSystem, String, Workload) {
        let workload = Workload(count: 40, seed: 3)
        let fileSystem = SimulatedFileSystem()
        try fileSystem.makeDirectory("/data")
        let writer = LogWriter(fileSystem: fileSystem, directory: "/data", preallocationStep: 4096, lastZxid: 0)
        for entry in workload.entries {
            try writer.append([entry])
            try writer.sync()
        }
        return (fileSystem, "/data/" + StorageFormat.logName(startZxid: 1), workload)
    }

    private func recordOffsets(_ fileSystem: SimulatedFileSystem, _ path: String) throws -> [Int] {
        try LogSegmentReader(fileSystem: fileSystem, path: path).records.map(\.offset)
    }

    @Test("a truncated last record is cut off and reported; everything before it is kept")
    func truncatedTail() throws {
        let (fileSystem, path, workload) = try logOnly()
        let last = try recordOffsets(fileSystem, path).last!
        fileSystem.truncateDurably(path, to: last + 20)
        let (state, report) = try Recovery.recover(
            fileSystem: fileSystem, snapshotDirectory: "/data", logDirectory: "/data")
        #expect(state.zxid == 39)
        #expect(fingerprint(state.tree) == fingerprint(workload.trees[39]))
        #expect(report.notes.contains { $0.contains("torn tail at offset \(last)") })
    }

    @Test("a bit flipped in the last record is a torn tail: cut, reported, the rest kept")
    func flippedTail() throws {
        let (fileSystem, path, _) = try logOnly()
        let last = try recordOffsets(fileSystem, path).last!
        fileSystem.flipBit(path, at: last + 30, bit: 3)
        let (state, report) = try Recovery.recover(
            fileSystem: fileSystem, snapshotDirectory: "/data", logDirectory: "/data")
        #expect(state.zxid == 39)
        #expect(report.notes.contains { $0.contains("checksum mismatch") })
    }

    @Test("a bit flipped before the tail stops recovery, naming the file and offset")
    func flippedMiddle() throws {
        let (fileSystem, path, _) = try logOnly()
        let offsets = try recordOffsets(fileSystem, path)
        fileSystem.flipBit(path, at: offsets[10] + 20, bit: 1)
        #expect {
            _ = try Recovery.recover(fileSystem: fileSystem, snapshotDirectory: "/data", logDirectory: "/data")
        } throws: { error in
            "\(error)".contains(path) && "\(error)".contains("offset \(offsets[10])")
                && "\(error)".contains("Valid records follow")
        }
    }

    @Test("a corrupt length before the tail is damage, not a torn write")
    func corruptLength() throws {
        let (fileSystem, path, _) = try logOnly()
        let offsets = try recordOffsets(fileSystem, path)
        fileSystem.flipBit(path, at: offsets[5], bit: 6)
        #expect(throws: RecoveryError.self) {
            _ = try Recovery.recover(fileSystem: fileSystem, snapshotDirectory: "/data", logDirectory: "/data")
        }
    }

    @Test("a damaged snapshot is skipped for an older one, and the log fills in")
    func damagedSnapshot() throws {
        let workload = Workload(count: 60, seed: 11)
        let fileSystem = SimulatedFileSystem()
        try fileSystem.makeDirectory("/data")
        let writer = LogWriter(fileSystem: fileSystem, directory: "/data", preallocationStep: 4096, lastZxid: 0)
        try writer.append(Array(workload.entries[0..<20]))
        try writer.sync()
        try SnapshotFile.write(
            SnapshotContents(tree: workload.trees[20], sessions: workload.sessions[20]), fileSystem: fileSystem,
            directory: "/data")
        try writer.append(Array(workload.entries[20..<40]))
        try writer.sync()
        let newest = try SnapshotFile.write(
            SnapshotContents(tree: workload.trees[40], sessions: workload.sessions[40]), fileSystem: fileSystem,
            directory: "/data")
        try writer.append(Array(workload.entries[40..<60]))
        try writer.sync()
        fileSystem.flipBit(newest.path, at: 100)
        let (state, report) = try Recovery.recover(
            fileSystem: fileSystem, snapshotDirectory: "/data", logDirectory: "/data")
        #expect(report.snapshotZxid == 20 && report.replayed == 40)
        #expect(report.notes.contains { $0.contains("checksum mismatch") })
        #expect(fingerprint(state.tree) == fingerprint(workload.trees[60]))
    }

    @Test("no usable snapshot and a log that does not start at the beginning stops recovery")
    func nothingToStartFrom() throws {
        let workload = Workload(count: 30, seed: 5)
        let fileSystem = SimulatedFileSystem()
        try fileSystem.makeDirectory("/data")
        let writer = LogWriter(fileSystem: fileSystem, directory: "/data", preallocationStep: 4096, lastZxid: 10)
        try writer.append(Array(workload.entries[10..<30]))
        try writer.sync()
        #expect {
            _ = try Recovery.recover(fileSystem: fileSystem, snapshotDirectory: "/data", logDirectory: "/data")
        } throws: { "\($0)".contains("does not check out") || "\($0)".contains("not at the beginning") }
    }

    @Test("a gap between segments stops recovery")
    func gap() throws {
        let workload = Workload(count: 30, seed: 5)
        let fileSystem = SimulatedFileSystem()
        try fileSystem.makeDirectory("/data")
        let writer = LogWriter(fileSystem: fileSystem, directory: "/data", preallocationStep: 4096, lastZxid: 0)
        try writer.append(Array(workload.entries[0..<10]))
        try writer.roll()
        let second = LogWriter(fileSystem: fileSystem, directory: "/data", preallocationStep: 4096, lastZxid: 15)
        try second.append(Array(workload.entries[15..<30]))
        try second.sync()
        #expect {
            _ = try Recovery.recover(fileSystem: fileSystem, snapshotDirectory: "/data", logDirectory: "/data")
        } throws: { "\($0)".contains("are missing") }
    }
}

@Suite("storage formats")
struct StorageFormatTests {
    @Test("CRC32C matches the standard check value")
    func crc() {
        #expect(CRC32C.checksum(Array("123456789".utf8)) == 0xE306_9283)
        #expect(CRC32C.checksum([UInt8]()) == 0)
        var split = CRC32C()
        split.update(Array("12345".utf8))
        split.update(Array("6789".utf8))
        #expect(split.value == 0xE306_9283)
        let long = (0..<1000).map { UInt8($0 % 251) }
        var bytewise = CRC32C()
        for byte in long { bytewise.update([byte]) }
        #expect(bytewise.value == CRC32C.checksum(long))
    }

    @Test("file names carry kind and zxid")
    func names() {
        #expect(StorageFormat.logName(startZxid: 0x1_0000_0002) == "log.0000000100000002")
        #expect(StorageFormat.parse("log.0000000100000002")! == (.log, 0x1_0000_0002))
        #expect(StorageFormat.parse("snapshot.00000000000000ff")! == (.snapshot, 255))
        #expect(StorageFormat.parse("snapshot.00000000000000ff.tmp")! == (.partialSnapshot, 255))
        #expect(StorageFormat.parse("myid") == nil)
        #expect(StorageFormat.parse("log.12") == nil)
    }

    @Test("a snapshot round-trips every kind of node, ACLs and sessions")
    func snapshotRoundTrip() throws {
        let workload = Workload(count: 200, seed: 21)
        let fileSystem = SimulatedFileSystem()
        try fileSystem.makeDirectory("/s")
        var tree = workload.trees[200]
        var preparer = Preparer(extendedTypesEnabled: true)
        let acl = [
            ACL(perms: [.read, .write], id: Id(scheme: "digest", id: "bob:x")),
            ACL(perms: .read, id: Id(scheme: "ip", id: "10.0.0.0/8")), ACL(perms: .create, id: .anyone),
        ]
        let requests: [Request] = [
            .create(CreateRequest(op: .createContainer, path: "/c", data: nil, acl: acl, flags: 4)),
            .create(CreateRequest(op: .createTTL, path: "/t", data: [1, 2], acl: ACL.openUnsafe, flags: 5, ttl: 5000)),
            .create(CreateRequest(path: "/c/e", data: [3], acl: ACL.openUnsafe, flags: 1)),
        ]
        for (i, request) in requests.enumerated() {
            let zxid = Int64(201 + i)
            let txn = preparer.prepare(
                request, in: tree, context: RequestContext(session: 0x55, ids: [], zxid: zxid, time: 5))
            _ = tree.apply(
                TxnEntry(
                    header: TxnHeader(session: 0x55, cxid: 1, zxid: zxid, time: 5, type: txn.type.rawValue), txn: txn))
        }
        let written = try SnapshotFile.write(
            SnapshotContents(tree: tree, sessions: [0x55: 6000, 0x56: 4000]), fileSystem: fileSystem, directory: "/s")
        #expect(written.path == "/s/snapshot.00000000000000cb")
        let read = try SnapshotFile.read(fileSystem: fileSystem, path: written.path)
        #expect(fingerprint(read.tree) == fingerprint(tree))
        #expect(read.sessions == [0x55: 6000, 0x56: 4000])
        #expect(read.tree.containers == ["/c"] && read.tree.ttlNodes == ["/t"])
        #expect(read.tree.ephemerals == tree.ephemerals && read.tree.ephemerals[0x55] == ["/c/e"])
        #expect(read.tree.approximateDataSize == tree.approximateDataSize)
        #expect(read.zxid == 203)
    }

    @Test("purge keeps the newest snapshots and the log they need")
    func purge() throws {
        let workload = Workload(count: 100, seed: 9)
        let fileSystem = SimulatedFileSystem()
        try fileSystem.makeDirectory("/data")
        let writer = LogWriter(fileSystem: fileSystem, directory: "/data", preallocationStep: 4096, lastZxid: 0)
        for step in 0..<5 {
            try writer.append(Array(workload.entries[(step * 20)..<(step * 20 + 20)]))
            try writer.sync()
            try writer.roll()
            let zxid = (step + 1) * 20
            try SnapshotFile.write(
                SnapshotContents(tree: workload.trees[zxid], sessions: workload.sessions[zxid]), fileSystem: fileSystem,
                directory: "/data")
        }
        let removed = try Purge.run(
            fileSystem: fileSystem, snapshotDirectory: "/data", logDirectory: "/data", retain: 1)
        // Snapshots 20 and 40 go; so do the segments starting at 1, 21 and 41, which end by
        // zxid 60, the oldest snapshot kept.
        #expect(removed.count == 5, "\(removed)")
        let left = try fileSystem.list("/data")
        #expect(left.filter { $0.hasPrefix("snapshot.") }.count == 3)
        #expect(left.filter { $0.hasPrefix("log.") } == ["log.000000000000003d", "log.0000000000000051"])
        fileSystem.setShortReads(false)
        let (state, _) = try Recovery.recover(fileSystem: fileSystem, snapshotDirectory: "/data", logDirectory: "/data")
        #expect(fingerprint(state.tree) == fingerprint(workload.trees[100]))
    }
}
