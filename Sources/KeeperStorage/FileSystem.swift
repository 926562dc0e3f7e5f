/// The little of a file system that storage needs. The POSIX implementation is the real
/// one; tests and the simulator put one in its place that loses unsynced writes, tears
/// them, shortens reads and flips bits, so that every crash point can be tried.
public protocol FileSystem: Sendable {
    func makeDirectory(_ path: String) throws
    /// Names (not paths) of the entries of a directory.
    func list(_ directory: String) throws -> [String]
    func exists(_ path: String) -> Bool
    func open(_ path: String, create: Bool) throws -> any StorageFile
    /// Atomically replaces `to` with `from`; durable once the directory is synced.
    func rename(_ from: String, to: String) throws
    func remove(_ path: String) throws
    /// Makes creations, renames and removals in a directory durable.
    func syncDirectory(_ path: String) throws
}

/// An open file, used by one thread at a time.
public protocol StorageFile: AnyObject {
    func size() throws -> Int
    func read(at offset: Int, count: Int) throws -> [UInt8]
    func write(_ bytes: [UInt8], at offset: Int) throws
    /// Makes written bytes durable (fdatasync).
    func sync() throws
    func truncate(to size: Int) throws
    /// Reserves space up to `size` bytes, zero-filled, so appends do not grow the file.
    func allocate(to size: Int) throws
    func close() throws
}

/// A file-system call that failed, with the path and the reason.
public struct FileSystemError: Error, Equatable, CustomStringConvertible {
    public var operation: String
    public var path: String
    public var reason: String

    public init(_ operation: String, _ path: String, _ reason: String) {
        self.operation = operation
        self.path = path
        self.reason = reason
    }

    public var description: String { "\(operation) \(path): \(reason)" }
}

extension StorageFile {
    /// Reads `count` bytes at `offset`, looping over short reads; fewer only at end of file.
    public func readFully(at offset: Int, count: Int) throws -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(count)
        while bytes.count < count {
            let chunk = try read(at: offset + bytes.count, count: count - bytes.count)
            if chunk.isEmpty { break }
            bytes += chunk
        }
        return bytes
    }
}
