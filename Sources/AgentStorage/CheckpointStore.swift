import AgentCore
import FoundationEssentials
import KeeperStorage

/// The agent's checkpoint on disk: `DIR/meta/agent.checkpoint`, replaced whole for every
/// change through the same file-system protocol Keeper's snapshots use (written beside its
/// name, synced, renamed into place, the directory synced), so a crash at any point leaves
/// the old checkpoint or the new one, never a part of either. The simulator drives it over a
/// file system that tears what was not synced.
///
/// The file: the magic `CORRALCP`, the payload's length and CRC32C (4 bytes each,
/// big-endian), then the payload (`CheckpointRecords`). A file written before the records,
/// whose payload is the whole checkpoint as one JSON, is still read.
public struct CheckpointStore: Sendable {
    static let magic = Array("CORRALCP".utf8)
    static let headerSize = 16
    /// A checkpoint larger than this is refused as damaged rather than read.
    public static let sizeMax = 256 * 1024 * 1024

    public let fileSystem: any FileSystem
    public let directory: String
    /// What the last write encoded.
    private var records = CheckpointRecords()

    /// `workDir/meta`.
    public init(fileSystem: any FileSystem, workDir: String) {
        self.fileSystem = fileSystem
        directory = workDir + "/meta"
    }

    public var path: String { directory + "/agent.checkpoint" }
    var temporaryPath: String { path + ".tmp" }

    /// Replaces the checkpoint; returns once it is durable.
    public mutating func write(_ checkpoint: AgentCheckpoint) throws {
        if !fileSystem.exists(directory) {
            try fileSystem.makeDirectory(directory)
            try fileSystem.syncDirectory(String(directory.dropLast("/meta".count)))
        }
        let bytes = encode(checkpoint)
        if fileSystem.exists(temporaryPath) { try fileSystem.remove(temporaryPath) }
        let file = try fileSystem.open(temporaryPath, create: true)
        do {
            try file.write(bytes, at: 0)
            try file.sync()
            try file.close()
        } catch {
            try? file.close()
            throw error
        }
        try fileSystem.rename(temporaryPath, to: path)
        try fileSystem.syncDirectory(directory)
    }

    /// The checkpoint, or nil if there is none (a new agent). A file that is not a whole
    /// checkpoint is an error: it was synced before it got its name, so only damage makes it so.
    public func read() throws -> AgentCheckpoint? {
        guard fileSystem.exists(path) else { return nil }
        let file = try fileSystem.open(path, create: false)
        defer { try? file.close() }
        let size = try file.size()
        guard size >= Self.headerSize, size <= Self.sizeMax else {
            throw CheckpointDamage(path: path, problem: "it is \(size) bytes long")
        }
        return try Self.decode(try file.readFully(at: 0, count: size), path: path)
    }

    /// Removes the checkpoint (the agent left the cluster: started again, it is a new agent).
    public func remove() throws {
        for file in [path, temporaryPath] where fileSystem.exists(file) { try fileSystem.remove(file) }
        if fileSystem.exists(directory) { try fileSystem.syncDirectory(directory) }
    }

    /// The file's bytes.
    mutating func encode(_ checkpoint: AgentCheckpoint) -> [UInt8] {
        let payload = records.encode(checkpoint)
        return Self.magic + Self.bigEndian(UInt32(payload.count)) + Self.bigEndian(CRC32C.checksum(payload)) + payload
    }

    static func decode(_ bytes: [UInt8], path: String) throws -> AgentCheckpoint {
        guard bytes.count >= headerSize, Array(bytes[0..<8]) == magic else {
            throw CheckpointDamage(
                path: path, problem: "it does not start with \(String(decoding: magic, as: UTF8.self))")
        }
        let length = Int(number(bytes[8..<12]))
        let payload = Array(bytes[headerSize...])
        guard payload.count == length else {
            throw CheckpointDamage(
                path: path, problem: "it holds \(payload.count) bytes after its header, which says \(length)")
        }
        guard CRC32C.checksum(payload) == number(bytes[12..<16]) else {
            throw CheckpointDamage(path: path, problem: "its checksum does not match")
        }
        do {
            if payload.first == UInt8(ascii: "{") {
                return try CheckpointRecords.decodeJSON(AgentCheckpoint.self, payload)
            }
            return try CheckpointRecords.decode(payload)
        } catch {
            throw CheckpointDamage(path: path, problem: error.problem)
        }
    }

    private static func bigEndian(_ value: UInt32) -> [UInt8] {
        [UInt8(value >> 24), UInt8(value >> 16 & 0xff), UInt8(value >> 8 & 0xff), UInt8(value & 0xff)]
    }

    private static func number(_ bytes: ArraySlice<UInt8>) -> UInt32 {
        bytes.reduce(0) { $0 << 8 | UInt32($1) }
    }
}

/// The checkpoint file is there but is not a whole checkpoint.
public struct CheckpointDamage: Error, CustomStringConvertible {
    public var path: String
    public var problem: String

    public var description: String {
        "the agent checkpoint \(path) is damaged: \(problem) — move it aside to start this agent as a new one "
            + "(the processes it lists are then not taken back)"
    }
}
