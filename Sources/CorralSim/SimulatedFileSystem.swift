import KeeperStorage
import Synchronization

/// An in-memory file system that behaves like a real disk across a crash: file contents and
/// directory entries become durable only when synced, and a crash keeps a random prefix of
/// what was not, tearing the last write it keeps. It can also fail an operation, return
/// short reads and flip bits, so storage code can be tried at every crash point.
public final class SimulatedFileSystem: FileSystem, @unchecked Sendable {
    /// Thrown by every operation once the simulated machine has crashed.
    public struct Crashed: Error, CustomStringConvertible {
        public var description: String { "the simulated machine crashed" }
    }

    /// Thrown by the operation chosen to fail (a full disk, an I/O error).
    public struct InjectedFailure: Error, CustomStringConvertible {
        public var operation: String
        public var description: String { "injected failure in \(operation)" }
    }

    private struct Inode {
        var durable: [UInt8] = []
        var current: [UInt8] = []
        /// Changes since the last sync, oldest first: what a crash may keep a prefix of.
        var unsynced: [Change] = []
    }

    fileprivate enum Change {
        case write(offset: Int, bytes: [UInt8])
        case resize(Int)
    }

    private enum NameChange {
        case link(String, Int)
        case unlink(String)
    }

    private struct Directory {
        var durable: [String: Int] = [:]
        var current: [String: Int] = [:]
        var unsynced: [NameChange] = []
    }

    private struct State {
        var inodes: [Int: Inode] = [:]
        var directories: [String: Directory] = [:]
        var nextInode = 1
        var operations = 0
        var crashAt: Int?
        var failAt: Int?
        var crashed = false
        var shortReads = false
    }

    private let state = Mutex(State())

    public init() {}

    /// Operations performed so far; `crash(atOperation:)` counts in the same units.
    public var operationCount: Int { state.withLock { $0.operations } }

    /// The machine crashes as operation `n` starts: it and everything after throw `Crashed`.
    public func crash(atOperation n: Int) { state.withLock { $0.crashAt = n } }

    /// Operation `n` throws `InjectedFailure`; the machine goes on.
    public func fail(atOperation n: Int) { state.withLock { $0.failAt = n } }

    /// Cancels a planned crash or failure.
    public func clearFaults() {
        state.withLock {
            $0.crashAt = nil
            $0.failAt = nil
        }
    }

    /// Reads return at most half of what was asked (but at least one byte).
    public func setShortReads(_ on: Bool) { state.withLock { $0.shortReads = on } }

    /// What is left after power returns: synced data and names, plus for each file and
    /// directory a random prefix of the changes that were not synced, the last one kept
    /// perhaps torn. The file system is usable again afterwards.
    public func reboot(random: inout SeededRandom) {
        state.withLock { s in
            // In a fixed order: the draws below must go to the same files on every replay
            // (a dictionary's order differs from one instance to the next).
            for id in s.inodes.keys.sorted() {
                var inode = s.inodes[id]!
                var contents = inode.durable
                let kept = Int(random.next() % UInt64(inode.unsynced.count + 1))
                for (index, change) in inode.unsynced.prefix(kept).enumerated() {
                    var keep: Int?
                    if index == kept - 1, case .write(_, let bytes) = change, random.chance(0.5) {
                        keep = Int(random.next() % UInt64(bytes.count + 1))
                    }
                    Self.apply(change, to: &contents, keepingBytes: keep)
                }
                inode.durable = contents
                inode.current = contents
                inode.unsynced = []
                s.inodes[id] = inode
            }
            for path in s.directories.keys.sorted() {
                var directory = s.directories[path]!
                let kept = Int(random.next() % UInt64(directory.unsynced.count + 1))
                for change in directory.unsynced.prefix(kept) { Self.apply(change, to: &directory.durable) }
                directory.current = directory.durable
                directory.unsynced = []
                s.directories[path] = directory
            }
            s.crashed = false
            s.crashAt = nil
            s.operations = 0
        }
    }

    /// Flips one bit of a file's durable and current contents, as media damage would.
    public func flipBit(_ path: String, at offset: Int, bit: Int = 0) {
        state.withLock { s in
            guard let id = Self.lookup(path, in: s), var inode = s.inodes[id] else { return }
            if offset < inode.durable.count { inode.durable[offset] ^= UInt8(1 << bit) }
            if offset < inode.current.count { inode.current[offset] ^= UInt8(1 << bit) }
            s.inodes[id] = inode
        }
    }

    /// Cuts a file short on disk, as a lost tail would.
    public func truncateDurably(_ path: String, to size: Int) {
        state.withLock { s in
            guard let id = Self.lookup(path, in: s), var inode = s.inodes[id] else { return }
            inode.durable = Array(inode.durable.prefix(size))
            inode.current = Array(inode.current.prefix(size))
            s.inodes[id] = inode
        }
    }

    public func contents(_ path: String) -> [UInt8]? {
        state.withLock { s in Self.lookup(path, in: s).flatMap { s.inodes[$0]?.current } }
    }

    // MARK: - FileSystem

    public func makeDirectory(_ path: String) throws {
        try operation("mkdir \(path)") { s in
            if s.directories[path] == nil { s.directories[path] = Directory() }
        }
    }

    public func list(_ directory: String) throws -> [String] {
        try operation("list \(directory)") { s in
            guard let entries = s.directories[directory]?.current else {
                throw FileSystemError("opendir", directory, "No such file or directory")
            }
            return entries.keys.sorted()
        }
    }

    public func exists(_ path: String) -> Bool {
        state.withLock { Self.lookup(path, in: $0) != nil }
    }

    public func open(_ path: String, create: Bool) throws -> any StorageFile {
        let id: Int = try operation("open \(path)") { s in
            if let id = Self.lookup(path, in: s) { return id }
            guard create else { throw FileSystemError("open", path, "No such file or directory") }
            let (directory, name) = Self.split(path)
            guard s.directories[directory] != nil else {
                throw FileSystemError("open", path, "No such file or directory")
            }
            let id = s.nextInode
            s.nextInode += 1
            s.inodes[id] = Inode()
            s.directories[directory]!.current[name] = id
            s.directories[directory]!.unsynced.append(.link(name, id))
            return id
        }
        return SimulatedFile(fileSystem: self, inode: id, path: path)
    }

    public func rename(_ from: String, to: String) throws {
        try operation("rename \(from)") { s in
            guard let id = Self.lookup(from, in: s) else {
                throw FileSystemError("rename", from, "No such file or directory")
            }
            let (fromDirectory, fromName) = Self.split(from)
            let (toDirectory, toName) = Self.split(to)
            s.directories[fromDirectory]!.current[fromName] = nil
            s.directories[toDirectory]!.current[toName] = id
            // One change per directory; in one directory a crash keeps both or neither.
            s.directories[toDirectory]!.unsynced.append(.link(toName, id))
            s.directories[fromDirectory]!.unsynced.append(.unlink(fromName))
        }
    }

    public func remove(_ path: String) throws {
        try operation("remove \(path)") { s in
            guard Self.lookup(path, in: s) != nil else {
                throw FileSystemError("unlink", path, "No such file or directory")
            }
            let (directory, name) = Self.split(path)
            s.directories[directory]!.current[name] = nil
            s.directories[directory]!.unsynced.append(.unlink(name))
        }
    }

    public func syncDirectory(_ path: String) throws {
        try operation("fsync \(path)") { s in
            guard var directory = s.directories[path] else { throw FileSystemError("fsync", path, "No such directory") }
            directory.durable = directory.current
            directory.unsynced = []
            s.directories[path] = directory
        }
    }

    // MARK: - Files

    fileprivate func size(_ inode: Int) throws -> Int {
        try operation("fstat") { s in s.inodes[inode]!.current.count }
    }

    fileprivate func read(_ inode: Int, at offset: Int, count: Int) throws -> [UInt8] {
        try operation("pread") { s in
            let current = s.inodes[inode]!.current
            guard offset < current.count else { return [] }
            var end = min(current.count, offset + count)
            if s.shortReads && end - offset > 1 { end = offset + max(1, (end - offset) / 2) }
            return Array(current[offset..<end])
        }
    }

    fileprivate func change(_ inode: Int, _ change: Change, _ name: String) throws {
        try operation(name) { s in
            Self.apply(change, to: &s.inodes[inode]!.current, keepingBytes: nil)
            s.inodes[inode]!.unsynced.append(change)
        }
    }

    fileprivate func sync(_ inode: Int) throws {
        try operation("fdatasync") { s in
            s.inodes[inode]!.durable = s.inodes[inode]!.current
            s.inodes[inode]!.unsynced = []
        }
    }

    /// Counts the operation and applies the crash and failure plans before running it.
    private func operation<T>(_ name: String, _ body: (inout State) throws -> T) throws -> T {
        try state.withLock { s in
            if s.crashed { throw Crashed() }
            let n = s.operations
            s.operations += 1
            if n == s.crashAt {
                s.crashed = true
                throw Crashed()
            }
            if n == s.failAt { throw InjectedFailure(operation: name) }
            return try body(&s)
        }
    }

    /// Applies a change; `keepingBytes` tears a write after that many bytes.
    private static func apply(_ change: Change, to contents: inout [UInt8], keepingBytes: Int?) {
        switch change {
        case .resize(let size):
            if size < contents.count {
                contents.removeLast(contents.count - size)
            } else {
                contents += [UInt8](repeating: 0, count: size - contents.count)
            }
        case .write(let offset, var bytes):
            if let keepingBytes { bytes = Array(bytes.prefix(keepingBytes)) }
            if contents.count < offset + bytes.count {
                contents += [UInt8](repeating: 0, count: offset + bytes.count - contents.count)
            }
            contents.replaceSubrange(offset..<(offset + bytes.count), with: bytes)
        }
    }

    private static func apply(_ change: NameChange, to entries: inout [String: Int]) {
        switch change {
        case .link(let name, let id): entries[name] = id
        case .unlink(let name): entries[name] = nil
        }
    }

    private static func lookup(_ path: String, in s: State) -> Int? {
        let (directory, name) = split(path)
        return s.directories[directory]?.current[name]
    }

    private static func split(_ path: String) -> (String, String) {
        guard let slash = path.lastIndex(of: "/") else { return (".", path) }
        return (String(path[..<slash]), String(path[path.index(after: slash)...]))
    }
}

/// A handle on a simulated file.
final class SimulatedFile: StorageFile {
    private let fileSystem: SimulatedFileSystem
    private let inode: Int
    let path: String

    init(fileSystem: SimulatedFileSystem, inode: Int, path: String) {
        self.fileSystem = fileSystem
        self.inode = inode
        self.path = path
    }

    func size() throws -> Int { try fileSystem.size(inode) }
    func read(at offset: Int, count: Int) throws -> [UInt8] { try fileSystem.read(inode, at: offset, count: count) }
    func write(_ bytes: [UInt8], at offset: Int) throws {
        try fileSystem.change(inode, .write(offset: offset, bytes: bytes), "pwrite \(path)")
    }
    func sync() throws { try fileSystem.sync(inode) }
    func truncate(to size: Int) throws { try fileSystem.change(inode, .resize(size), "ftruncate \(path)") }
    func allocate(to size: Int) throws {
        let current = try fileSystem.size(inode)
        if size > current { try fileSystem.change(inode, .resize(size), "fallocate \(path)") }
    }
    func close() throws {}
}
