#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The real file system, through POSIX calls.
public struct PosixFileSystem: FileSystem {
    public init() {}

    private static func failure(_ operation: String, _ path: String) -> FileSystemError {
        FileSystemError(operation, path, String(cString: strerror(errno)))
    }

    public func makeDirectory(_ path: String) throws {
        var built = path.hasPrefix("/") ? "" : "."
        for part in path.split(separator: "/") {
            built += "/" + part
            if mkdir(built, 0o755) != 0 && errno != EEXIST { throw Self.failure("mkdir", built) }
        }
    }

    public func list(_ directory: String) throws -> [String] {
        guard let dir = opendir(directory) else { throw Self.failure("opendir", directory) }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names.sorted()
    }

    public func exists(_ path: String) -> Bool { access(path, F_OK) == 0 }

    public func open(_ path: String, create: Bool) throws -> any StorageFile {
        let flags = O_RDWR | O_CLOEXEC | (create ? O_CREAT : 0)
        let fd = Glibc.open(path, flags, 0o644)
        guard fd >= 0 else { throw Self.failure("open", path) }
        return PosixFile(fd: fd, path: path)
    }

    public func rename(_ from: String, to: String) throws {
        guard Glibc.rename(from, to) == 0 else { throw Self.failure("rename to \(to)", from) }
    }

    public func remove(_ path: String) throws {
        guard unlink(path) == 0 else { throw Self.failure("unlink", path) }
    }

    /// The bytes of the regular files under `path`, at any depth (0 if it cannot be read);
    /// preallocated space counts, as it does in ZooKeeper's `dirs`.
    public func bytesUsed(under path: String) -> Int {
        var info = stat()
        guard stat(path, &info) == 0 else { return 0 }
        switch info.st_mode & S_IFMT {
        case S_IFREG: return Int(info.st_size)
        case S_IFDIR: return ((try? list(path)) ?? []).reduce(0) { $0 + bytesUsed(under: path + "/" + $1) }
        default: return 0
        }
    }

    public func syncDirectory(_ path: String) throws {
        let fd = Glibc.open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw Self.failure("open directory", path) }
        defer { Glibc.close(fd) }
        guard fsync(fd) == 0 else { throw Self.failure("fsync directory", path) }
    }
}

final class PosixFile: StorageFile {
    private let fd: Int32
    private let path: String
    private var isClosed = false

    init(fd: Int32, path: String) {
        self.fd = fd
        self.path = path
    }

    deinit { if !isClosed { Glibc.close(fd) } }

    private func failure(_ operation: String) -> FileSystemError {
        FileSystemError(operation, path, String(cString: strerror(errno)))
    }

    func size() throws -> Int {
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw failure("fstat") }
        return Int(info.st_size)
    }

    func read(at offset: Int, count: Int) throws -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        var done = 0
        while done < count {
            let n = bytes.withUnsafeMutableBytes {
                pread(fd, $0.baseAddress! + done, count - done, off_t(offset + done))
            }
            if n < 0 && errno == EINTR { continue }
            guard n >= 0 else { throw failure("pread") }
            if n == 0 { break }
            done += n
        }
        return done == count ? bytes : Array(bytes[..<done])
    }

    func write(_ bytes: [UInt8], at offset: Int) throws {
        var done = 0
        while done < bytes.count {
            let n = bytes.withUnsafeBytes {
                pwrite(fd, $0.baseAddress! + done, bytes.count - done, off_t(offset + done))
            }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { throw failure("pwrite") }
            done += n
        }
    }

    func sync() throws {
        guard fdatasync(fd) == 0 else { throw failure("fdatasync") }
    }

    func truncate(to size: Int) throws {
        guard ftruncate(fd, off_t(size)) == 0 else { throw failure("ftruncate") }
    }

    func allocate(to size: Int) throws {
        let current = try self.size()
        guard size > current else { return }
        let result = posix_fallocate(fd, off_t(current), off_t(size - current))
        if result == 0 { return }
        // Some file systems cannot fallocate: write zeros instead.
        let zeros = [UInt8](repeating: 0, count: min(size - current, 1 << 20))
        var offset = current
        while offset < size {
            let chunk = min(zeros.count, size - offset)
            try write(chunk == zeros.count ? zeros : Array(zeros[..<chunk]), at: offset)
            offset += chunk
        }
    }

    func close() throws {
        guard !isClosed else { return }
        isClosed = true
        guard Glibc.close(fd) == 0 else { throw failure("close") }
    }
}
