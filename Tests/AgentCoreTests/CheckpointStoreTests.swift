import AgentCore
import AgentStorage
import ClusterProtocol
import CorralSim
import FoundationEssentials
import KeeperStorage
import Testing

@Suite("agent: the checkpoint on disk")
struct CheckpointStoreTests {
    static func checkpoint(tasks: Int) -> AgentCheckpoint {
        var harness = AgentHarness()
        harness.framework = RecoveryTests.checkpointing
        for n in 0..<tasks { harness.run(AgentHarness.command("t\(n)", "sleep 600")) }
        return harness.agent.checkpoint
    }

    static func store() throws -> (SimulatedFileSystem, CheckpointStore) {
        let fileSystem = SimulatedFileSystem()
        try fileSystem.makeDirectory("/w")
        return (fileSystem, CheckpointStore(fileSystem: fileSystem, workDir: "/w"))
    }

    @Test("written and read back whole; none on a new work dir; gone once removed")
    func roundTrip() throws {
        var (_, store) = try Self.store()
        #expect(try store.read() == nil)
        let checkpoint = Self.checkpoint(tasks: 3)
        try store.write(checkpoint)
        #expect(try store.read() == checkpoint)
        try store.write(Self.checkpoint(tasks: 5))
        #expect(try store.read() == Self.checkpoint(tasks: 5))
        try store.remove()
        #expect(try store.read() == nil)
    }

    /// A store re-encodes only the executors that changed since its last write: what it
    /// writes must still be the whole new checkpoint, byte for byte what a new store writes.
    @Test("an executor changed since the last write is written anew; the file is what a new store writes")
    func changedExecutor() throws {
        var harness = AgentHarness()
        harness.framework = RecoveryTests.checkpointing
        for n in 0..<3 { harness.run(AgentHarness.command("t\(n)", "sleep 600")) }
        let (fileSystem, fresh) = try Self.store()
        var store = fresh
        try store.write(harness.agent.checkpoint)
        let before = harness.agent.checkpoint
        harness.step(.masterEvent(AgentEvent(type: .killTask, killTask: .init(frameworkID: "F", taskID: "t1"))))
        let changed = harness.agent.checkpoint
        #expect(changed.executors.count == 3 && changed.executors != before.executors)
        try store.write(changed)
        #expect(try store.read() == changed)
        let (otherFileSystem, other) = try Self.store()
        var newStore = other
        try newStore.write(changed)
        #expect(otherFileSystem.contents(newStore.path) == fileSystem.contents(store.path))
    }

    @Test("a checkpoint written before the records (the whole checkpoint as one JSON) is still read")
    func singleJSONLayout() throws {
        let checkpoint = Self.checkpoint(tasks: 2)
        let (fileSystem, store) = try Self.store()
        let json = Array(try JSONEncoder().encode(checkpoint))
        try fileSystem.makeDirectory(store.directory)
        let file = try fileSystem.open(store.path, create: true)
        try file.write(
            Array("CORRALCP".utf8) + Self.bigEndian(json.count) + Self.bigEndian(CRC32C.checksum(json)) + json, at: 0)
        try file.sync()
        try file.close()
        #expect(try store.read() == checkpoint)
    }

    static func bigEndian<T: BinaryInteger>(_ value: T) -> [UInt8] {
        let value = UInt32(value)
        return [UInt8(value >> 24), UInt8(value >> 16 & 0xff), UInt8(value >> 8 & 0xff), UInt8(value & 0xff)]
    }

    /// The write's every crash point, each with several reboots (which keep random prefixes
    /// of what was not synced, the last write perhaps torn).
    @Test("a crash at any point of a write leaves the old checkpoint or the new one, never a part")
    func tornWrites() throws {
        let old = Self.checkpoint(tasks: 2)
        let new = Self.checkpoint(tasks: 4)
        var outcomes: Set<Int> = []
        var random = SeededRandom(seed: 12)
        for crashAt in 0..<12 {
            for _ in 0..<8 {
                let (fileSystem, fresh) = try Self.store()
                var store = fresh
                try store.write(old)
                fileSystem.crash(atOperation: fileSystem.operationCount + crashAt)
                let completed = (try? store.write(new)) != nil
                fileSystem.reboot(random: &random)
                let found = try store.read()
                #expect(found == old || found == new, "crash at operation \(crashAt)")
                if completed { #expect(found == new, "a write that returned is durable") }
                outcomes.insert(found == new ? 1 : 0)
                try store.write(new)
                #expect(try store.read() == new, "a write after the crash goes through (crash at \(crashAt))")
            }
        }
        #expect(outcomes == [0, 1])
    }

    @Test("a damaged checkpoint is an error that names the file and what to do, never a crash")
    func damage() throws {
        let (fileSystem, fresh) = try Self.store()
        var store = fresh
        try store.write(Self.checkpoint(tasks: 1))
        fileSystem.flipBit(store.path, at: 40)
        #expect {
            _ = try store.read()
        } throws: { error in
            "\(error)".contains(store.path) && "\(error)".contains("checksum") && "\(error)".contains("move it aside")
        }
        fileSystem.truncateDurably(store.path, to: 10)
        #expect(throws: CheckpointDamage.self) { _ = try store.read() }
    }
}
