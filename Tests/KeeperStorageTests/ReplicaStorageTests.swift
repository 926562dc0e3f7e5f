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
