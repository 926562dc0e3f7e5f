#if canImport(Glibc)
    import Glibc
#endif

/// Small reads and writes of kernel interface files (/proc, cgroupfs), where one write is one
/// request and the text is short.
enum KernelFile {
    static let readLengthMax = 4 << 20

    /// The reason of the last failed call, from errno.
    static var lastError: String { String(cString: strerror(errno)) }

    /// The file's text; throws "cannot read PATH: reason".
    static func read(_ path: String) throws -> String {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw KernelFileError("cannot read \(path): \(lastError)") }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 8192)
        while bytes.count < readLengthMax {
            let n = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            guard n >= 0 else { throw KernelFileError("cannot read \(path): \(lastError)") }
            if n == 0 { break }
            bytes += chunk[..<n]
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The file's text, or nil if it cannot be read (a process that is gone, a missing file).
    static func readIfPresent(_ path: String) -> String? { try? read(path) }

    /// Writes `text` in one write(2), as cgroupfs expects; throws "cannot write PATH: reason".
    static func write(_ path: String, _ text: String) throws {
        let fd = open(path, O_WRONLY | O_CLOEXEC)
        guard fd >= 0 else { throw KernelFileError("cannot write \(path): \(lastError)") }
        defer { close(fd) }
        let bytes = Array(text.utf8)
        while true {
            let n = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            guard n == bytes.count else { throw KernelFileError("cannot write \(path): \(lastError)") }
            return
        }
    }

    static func exists(_ path: String) -> Bool { access(path, F_OK) == 0 }

    /// mkdir -p; throws "cannot create PATH: reason".
    static func makeDirectories(_ path: String) throws {
        var built = ""
        for part in path.split(separator: "/") {
            built += "/" + part
            if mkdir(built, 0o755) != 0 && errno != EEXIST {
                throw KernelFileError("cannot create \(built): \(lastError)")
            }
        }
    }

    /// The names in a directory, without "." and "..".
    static func list(_ directory: String) -> [String] {
        guard let dir = opendir(directory) else { return [] }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    /// The value of a `key value` line (memory.oom_control, memory.events, memory.stat).
    static func counter(_ key: String, in text: String) -> Int? {
        for line in text.split(separator: "\n") {
            let parts = line.split(separator: " ")
            if parts.count == 2 && parts[0] == key { return Int(parts[1]) }
        }
        return nil
    }
}

/// A failed kernel-file operation; the message names the file and the reason.
struct KernelFileError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
