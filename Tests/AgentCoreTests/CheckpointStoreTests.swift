import AgentCore
import AgentStorage
import ClusterProtocol
import CorralSim
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
        let (_, store) = try Self.store()
        #expect(try store.read() == nil)
        let checkpoint = Self.checkpoint(tasks: 3)
        try store.write(checkpoint)
        #expect(try store.read() == checkpoint)
        try store.write(Self.checkpoint(tasks: 5))
        #expect(try store.read() == Self.checkpoint(tasks: 5))
        try store.remove()
        #expect(try store.read() == nil)
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
                let (fileSystem, store) = try Self.store()
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
        let (fileSystem, store) = try Self.store()
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
