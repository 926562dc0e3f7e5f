/// Removing the tail of the log after a zxid, for a follower whose history holds proposals
/// that the new leader does not have (ZAB's TRUNC).
///
/// The segments that start after `zxid` go first, durably, and only then is the one holding
/// `zxid` cut: a crash in between leaves a longer log, never one with a hole (a cut segment
/// followed by a later one that survived), which recovery would refuse.
public enum LogTruncation {
    public static func truncate(fileSystem: any FileSystem, directory: String, after zxid: Int64) throws {
        let segments = try Recovery.files(.log, in: directory, fileSystem).sorted { $0.zxid < $1.zxid }
        let later = segments.filter { $0.zxid > zxid }
        for segment in later.reversed() { try fileSystem.remove(segment.path) }
        if !later.isEmpty { try fileSystem.syncDirectory(directory) }
        // Only the last segment starting at or before `zxid` can hold records after it.
        guard let holding = segments.last(where: { $0.zxid <= zxid }) else { return }
        let reader = try LogSegmentReader(fileSystem: fileSystem, path: holding.path)
        guard let cut = reader.records.first(where: { $0.zxid > zxid }) else { return }
        let file = try fileSystem.open(holding.path, create: false)
        try file.truncate(to: cut.offset)
        try file.sync()
        try file.close()
    }
}

/// The epochs a ZAB peer must not forget: the last epoch it accepted from a prospective
/// leader, and the last epoch whose NEWLEADER it acknowledged (ZooKeeper's acceptedEpoch
/// and currentEpoch files). Each is a decimal number in its own file, replaced atomically.
public enum EpochFiles {
    public static let acceptedName = "acceptedEpoch"
    public static let currentName = "currentEpoch"

    public static func read(fileSystem: any FileSystem, directory: String) throws -> (accepted: Int64, current: Int64) {
        (
            try readOne(fileSystem, directory + "/" + acceptedName),
            try readOne(fileSystem, directory + "/" + currentName)
        )
    }

    private static func readOne(_ fileSystem: any FileSystem, _ path: String) throws -> Int64 {
        guard fileSystem.exists(path) else { return 0 }
        let file = try fileSystem.open(path, create: false)
        defer { try? file.close() }
        let text = String(decoding: try file.readFully(at: 0, count: try file.size()), as: UTF8.self)
        guard let value = Int64(text.filter { !$0.isWhitespace }) else {
            throw RecoveryError(
                "\(path) does not hold an epoch number: '\(text)'. Restore it from a backup, or remove the server's data and let it sync from the ensemble."
            )
        }
        return value
    }

    public static func write(fileSystem: any FileSystem, directory: String, accepted: Int64, current: Int64) throws {
        try writeOne(fileSystem, directory, acceptedName, accepted)
        try writeOne(fileSystem, directory, currentName, current)
        try fileSystem.syncDirectory(directory)
    }

    private static func writeOne(_ fileSystem: any FileSystem, _ directory: String, _ name: String, _ value: Int64)
        throws
    {
        let temporary = directory + "/" + name + ".tmp"
        let file = try fileSystem.open(temporary, create: true)
        try file.truncate(to: 0)
        try file.write(Array("\(value)\n".utf8), at: 0)
        try file.sync()
        try file.close()
        try fileSystem.rename(temporary, to: directory + "/" + name)
    }
}
