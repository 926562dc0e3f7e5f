import KeeperStorage

/// A file system of one directory in memory, for the targets that read Keeper's log
/// segments and snapshots through `FileSystem`: the fuzzer's bytes are a file's.
final class MemoryFileSystem: FileSystem, @unchecked Sendable {
    var files: [String: [UInt8]] = [:]

    init(files: [String: [UInt8]]) { self.files = files }

    func makeDirectory(_ path: String) throws {}
    func list(_ directory: String) throws -> [String] {
        files.keys.filter { $0.hasPrefix(directory + "/") }.map { String($0.dropFirst(directory.count + 1)) }
    }
    func exists(_ path: String) -> Bool { files[path] != nil }
    func open(_ path: String, create: Bool) throws -> any StorageFile {
        if files[path] == nil {
            guard create else { throw MemoryFileError() }
            files[path] = []
        }
        return MemoryFile(system: self, path: path)
    }
    func rename(_ from: String, to: String) throws { files[to] = files.removeValue(forKey: from) }
    func remove(_ path: String) throws { files[path] = nil }
    func syncDirectory(_ path: String) throws {}
}

struct MemoryFileError: Error {}

final class MemoryFile: StorageFile {
    let system: MemoryFileSystem
    let path: String

    init(system: MemoryFileSystem, path: String) {
        self.system = system
        self.path = path
    }

    private var bytes: [UInt8] {
        get { system.files[path] ?? [] }
        set { system.files[path] = newValue }
    }

    func size() throws -> Int { bytes.count }
    func read(at offset: Int, count: Int) throws -> [UInt8] {
        guard offset >= 0, count >= 0, offset <= bytes.count else { return [] }
        return Array(bytes[offset..<min(bytes.count, offset + count)])
    }
    func write(_ data: [UInt8], at offset: Int) throws {
        var current = bytes
        if current.count < offset + data.count {
            current += [UInt8](repeating: 0, count: offset + data.count - current.count)
        }
        current.replaceSubrange(offset..<offset + data.count, with: data)
        bytes = current
    }
    func sync() throws {}
    func truncate(to size: Int) throws { bytes = Array(bytes.prefix(size)) }
    func allocate(to size: Int) throws {
        if bytes.count < size { bytes += [UInt8](repeating: 0, count: size - bytes.count) }
    }
    func close() throws {}
}
