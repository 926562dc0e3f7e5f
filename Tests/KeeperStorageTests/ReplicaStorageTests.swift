import CorralSim
import KeeperCore
import KeeperStorage
import Testing

@Suite("storage for an ensemble member")
struct ReplicaStorageTests {
    private func logged(_ count: Int) throws -> (SimulatedFileSystem, Workload, LogWriter) {
        let workload = Workload(count: count, seed: 17)
        let fileSystem = SimulatedFileSystem()
        try fileSystem.makeDirectory("/data")
        let writer = LogWriter(fileSystem: fileSystem, directory: "/data", preallocationStep: 4096, lastZxid: 0)
        try writer.append(Array(workload.entries[0..<20]))
        try writer.sync()
        try SnapshotFile.write(
            SnapshotContents(tree: workload.trees[20], sessions: workload.sessions[20]), fileSystem: fileSystem,
            directory: "/data")
        try writer.roll()
        try writer.append(Array(workload.entries[20..<count]))
        try writer.sync()
        return (fileSystem, workload, writer)
    }

    @Test("without applying, recovery returns the snapshot and the records after it, in order")
    func pendingRecords() throws {
        let (fileSystem, workload, _) = try logged(50)
        let (state, pending, report) = try Recovery.recover(
            fileSystem: fileSystem, snapshotDirectory: "/data", logDirectory: "/data", applyLog: false)
        #expect(state.zxid == 20)
        #expect(fingerprint(state.tree) == fingerprint(workload.trees[20]))
        #expect(pending.map(\.zxid) == Array(21...50))
        #expect(pending.map(\.payload) == workload.entries[20..<50].map(\.payload))
        #expect(report.lastZxid == 50)
    }

    @Test("truncating after a zxid removes later records across segments and stays truncated after recovery")
    func truncate() throws {
        let (fileSystem, workload, writer) = try logged(50)
        try writer.truncate(after: 33)
        #expect(writer.lastZxid == 33)
        let (state, pending, _) = try Recovery.recover(
            fileSystem: fileSystem, snapshotDirectory: "/data", logDirectory: "/data", applyLog: false)
        #expect(state.zxid == 20 && pending.last?.zxid == 33)
        try writer.append(Array(workload.entries[33..<40]))
        try writer.sync()
        let (applied, _) = try Recovery.recover(
            fileSystem: fileSystem, snapshotDirectory: "/data", logDirectory: "/data")
        #expect(fingerprint(applied.tree) == fingerprint(workload.trees[40]))
        try writer.truncate(after: 10)
        let (below, pendingBelow, _) = try Recovery.recover(
            fileSystem: fileSystem, snapshotDirectory: "/data", logDirectory: "/data", applyLog: false)
        #expect(below.zxid == 20 && pendingBelow.isEmpty)
    }

    @Test(
        "a crash at every operation of a truncation leaves a log recovery accepts: a whole prefix of the old one, never one with a hole"
    )
    func crashDuringTruncation() throws {
        // Three segments: 1...20, 21...35, 36...50; the cut falls in the first.
        func prepared() throws -> (SimulatedFileSystem, LogWriter) {
            let workload = Workload(count: 50, seed: 17)
            let fileSystem = SimulatedFileSystem()
            try fileSystem.makeDirectory("/data")
            let writer = LogWriter(fileSystem: fileSystem, directory: "/data", preallocationStep: 4096, lastZxid: 0)
            for range in [0..<20, 20..<35, 35..<50] {
                try writer.append(Array(workload.entries[range]))
                try writer.roll()
            }
            return (fileSystem, writer)
        }
        let (counting, countingWriter) = try prepared()
        let before = counting.operationCount
        try countingWriter.truncate(after: 10)
        let operations = counting.operationCount - before
        for crashAt in 0...operations {
            for seed in UInt64(1)...4 {
                let (fileSystem, writer) = try prepared()
                fileSystem.crash(atOperation: fileSystem.operationCount + crashAt)
                _ = try? writer.truncate(after: 10)
                var random = SeededRandom(seed: seed)
                fileSystem.reboot(random: &random)
                let (state, pending, _) = try Recovery.recover(
                    fileSystem: fileSystem, snapshotDirectory: "/data", logDirectory: "/data", applyLog: false)
                #expect(state.zxid == 0)
                let end = pending.last?.zxid ?? 0
                #expect(end >= 10, "crash at \(crashAt), seed \(seed): the log ends at \(end), before the cut")
                #expect(pending.map(\.zxid) == Array(1...end))
            }
        }
    }

    @Test(
        "what a restarted server reads after its process was killed is synced before it counts: a later power loss keeps it"
    )
    func bootSyncsWhatItRead() throws {
        for seed in UInt64(1)...8 {
            let workload = Workload(count: 30, seed: 17)
            let fileSystem = SimulatedFileSystem()
            try fileSystem.makeDirectory("/data")
            let writer = LogWriter(fileSystem: fileSystem, directory: "/data", preallocationStep: 4096, lastZxid: 0)
            try writer.append(Array(workload.entries[0..<10]))
            try writer.sync()
            // Killed before syncing these: they are in the page cache only.
            try writer.append(Array(workload.entries[10..<30]))
            let boot = try ReplicaBoot.read(
                fileSystem: fileSystem, snapshotDirectory: "/data", logDirectory: "/data", ensemble: true)
            #expect(boot.lastZxid == 30)
            var random = SeededRandom(seed: seed)
            fileSystem.reboot(random: &random)
            let again = try ReplicaBoot.read(
                fileSystem: fileSystem, snapshotDirectory: "/data", logDirectory: "/data", ensemble: true)
            #expect(again.lastZxid == 30, "seed \(seed): the power loss took back what the restart read")
        }
    }

    @Test("a leader's snapshot and the server's own are written under different temporary names; leftovers are removed")
    func receivedSnapshotTemporary() throws {
        let workload = Workload(count: 5, seed: 17)
        let fileSystem = SimulatedFileSystem()
        try fileSystem.makeDirectory("/data")
        // The write fails after the file was made (a full disk), before its rename.
        fileSystem.fail(atOperation: fileSystem.operationCount + 3)
        let body = SnapshotCodec.encode(SnapshotContents(tree: workload.trees[5], sessions: workload.sessions[5]))
        _ = try? SnapshotFile.write(body: body, zxid: 5, source: .received, fileSystem: fileSystem, directory: "/data")
        let left = try fileSystem.list("/data")
        #expect(left.contains("snapshot.0000000000000005.received.tmp"))
        let (_, report) = try Recovery.recover(
            fileSystem: fileSystem, snapshotDirectory: "/data", logDirectory: "/data")
        #expect(try fileSystem.list("/data").allSatisfy { !$0.hasSuffix(".tmp") })
        #expect(report.notes.contains { $0.contains("received.tmp") })
    }

    @Test("epochs are written atomically and read back; missing files read as zero; garbage is an error")
    func epochs() throws {
        let fileSystem = SimulatedFileSystem()
        try fileSystem.makeDirectory("/data")
        #expect(try EpochFiles.read(fileSystem: fileSystem, directory: "/data") == (0, 0))
        try EpochFiles.write(fileSystem: fileSystem, directory: "/data", accepted: 7, current: 6)
        #expect(try EpochFiles.read(fileSystem: fileSystem, directory: "/data") == (7, 6))
        var random = SeededRandom(seed: 1)
        fileSystem.reboot(random: &random)
        #expect(try EpochFiles.read(fileSystem: fileSystem, directory: "/data") == (7, 6))
        let file = try fileSystem.open("/data/currentEpoch", create: false)
        try file.write(Array("x1".utf8), at: 0)
        #expect(throws: RecoveryError.self) { _ = try EpochFiles.read(fileSystem: fileSystem, directory: "/data") }
    }
}
