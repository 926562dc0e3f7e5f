import ClusterEdge
import Glibc
import HTTPTypes
import Hummingbird

/// `/files/browse`, `/files/read` and `/files/download` over the sandboxes only: a path
/// is resolved (symlinks followed, `..` collapsed) and must then lie under the agent's
/// sandbox tree, or the request is refused with 403. The routes then check
/// `access_sandboxes` for the executor the sandbox is of.
struct SandboxFiles: Sendable {
    /// The root every sandbox lives under (`<work dir>/slaves`).
    let root: String
    /// The most `/files/read` returns at once.
    static let readBytesMax = 1 << 20

    /// A path in a sandbox: its real path and the executor whose sandbox it is.
    struct Located: Sendable, Equatable {
        var path: String
        var framework: String
        var executor: String
    }

    /// The real path of `path` if it lies in a sandbox. The path is checked as written
    /// (`..` collapsed) before anything is looked up, so that an answer never tells whether
    /// a path outside exists, and again once symlinks are resolved. A sandbox is
    /// `<root>/<agent>/frameworks/<framework>/executors/<executor>/runs/<container>`:
    /// the directories above one are not in it.
    func resolve(_ path: String?) -> Result<Located, HTTPError> {
        guard let path, path.hasPrefix("/") else {
            return .failure(HTTPError(.badRequest, message: "Expecting an absolute 'path' in the query"))
        }
        let refused = HTTPError(.forbidden, message: "'\(path)' is not inside a sandbox of this agent")
        guard Self.sandbox(of: Self.normalized(path), root: Self.normalized(root)) != nil else {
            return .failure(refused)
        }
        guard let real = realpath(path, nil) else {
            return .failure(HTTPError(.notFound, message: "No such file in the sandbox: \(path)"))
        }
        defer { free(real) }
        let resolved = String(cString: real)
        guard let rootReal = realpath(root, nil) else { return .failure(refused) }
        defer { free(rootReal) }
        guard let owner = Self.sandbox(of: resolved, root: String(cString: rootReal)) else { return .failure(refused) }
        return .success(Located(path: resolved, framework: owner.framework, executor: owner.executor))
    }

    /// The framework and executor whose sandbox `path` (under `root`) is or lies in; nil
    /// when it is in no sandbox.
    static func sandbox(of path: String, root: String) -> (framework: String, executor: String)? {
        guard path.hasPrefix(root + "/") else { return nil }
        let parts = path.dropFirst(root.count + 1).split(separator: "/")
        guard parts.count >= 7, parts[1] == "frameworks", parts[3] == "executors", parts[5] == "runs" else {
            return nil
        }
        return (String(parts[2]), String(parts[4]))
    }

    /// `path` with `.`, `..` and repeated slashes collapsed, without looking at the disk.
    static func normalized(_ path: String) -> String {
        var parts: [Substring] = []
        for part in path.split(separator: "/") {
            switch part {
            case ".": continue
            case "..": if !parts.isEmpty { parts.removeLast() }
            default: parts.append(part)
            }
        }
        return "/" + parts.joined(separator: "/")
    }

    func browse(_ located: Located) throws -> Response {
        let path = located.path
        guard let directory = opendir(path) else { throw HTTPError(.notFound, message: "'\(path)' is not a directory") }
        defer { closedir(directory) }
        var names: [String] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) {
                String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name != ".", name != ".." { names.append(name) }
        }
        var entries: [JSONValue] = []
        for name in names.sorted() {
            var info = stat()
            guard lstat(path + "/" + name, &info) == 0 else { continue }
            entries.append(
                .object([
                    ("path", .string(path + "/" + name)), ("size", .int(Int64(info.st_size))),
                    ("mtime", .int(Int64(info.st_mtim.tv_sec))), ("mode", .string(Self.modeText(info.st_mode))),
                    ("nlink", .int(Int64(info.st_nlink))), ("uid", .string(String(info.st_uid))),
                    ("gid", .string(String(info.st_gid))),
                ]))
        }
        return HTTPReplies.json(JSONValue.array(entries).serialized)
    }

    /// Mesos' read: `offset` and `length` (at most `readBytesMax`); an offset of -1 (or
    /// none) answers the file's size with no data.
    func read(_ located: Located, _ request: Request) throws -> Response {
        let path = located.path
        let offset = request.uri.queryParameters.get("offset").flatMap { Int($0) } ?? -1
        let length = min(
            request.uri.queryParameters.get("length").flatMap { Int($0) } ?? Self.readBytesMax, Self.readBytesMax)
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw HTTPError(.notFound, message: "Cannot open '\(path)'") }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else {
            throw HTTPError(.badRequest, message: "'\(path)' is not a file")
        }
        guard offset >= 0 else {
            return HTTPReplies.json(JSONValue.object([("data", ""), ("offset", .int(Int64(info.st_size)))]).serialized)
        }
        guard length >= 0 else { throw HTTPError(.badRequest, message: "'length' must not be negative") }
        var bytes = [UInt8](repeating: 0, count: length)
        let count = bytes.withUnsafeMutableBytes { pread(fd, $0.baseAddress, length, off_t(offset)) }
        guard count >= 0 else { throw HTTPError(.internalServerError, message: "Cannot read '\(path)'") }
        let text = String(decoding: bytes.prefix(count), as: UTF8.self)
        return HTTPReplies.json(
            JSONValue.object([("data", .string(text)), ("offset", .int(Int64(offset)))]).serialized)
    }

    func download(_ located: Located) throws -> Response {
        let path = located.path
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw HTTPError(.notFound, message: "Cannot open '\(path)'") }
        var info = stat()
        guard fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else {
            close(fd)
            throw HTTPError(.badRequest, message: "'\(path)' is not a file")
        }
        let size = Int(info.st_size)
        let body = ResponseBody(contentLength: size) { writer in
            defer { close(fd) }
            var offset = 0
            var chunk = [UInt8](repeating: 0, count: 64 << 10)
            while offset < size {
                let count = chunk.withUnsafeMutableBytes {
                    pread(fd, $0.baseAddress, min($0.count, size - offset), off_t(offset))
                }
                guard count > 0 else { break }
                try await writer.write(ByteBuffer(bytes: chunk.prefix(count)))
                offset += count
            }
            try await writer.finish(nil)
        }
        let name = path.split(separator: "/").last.map(String.init) ?? "file"
        return Response(
            status: .ok,
            headers: [
                .contentType: "application/octet-stream", .contentDisposition: "attachment; filename=\"\(name)\"",
            ],
            body: body)
    }

    static func modeText(_ mode: mode_t) -> String {
        let kind: Character = (mode & S_IFMT) == S_IFDIR ? "d" : ((mode & S_IFMT) == S_IFLNK ? "l" : "-")
        let bits: [(mode_t, Character)] = [
            (S_IRUSR, "r"), (S_IWUSR, "w"), (S_IXUSR, "x"), (S_IRGRP, "r"), (S_IWGRP, "w"), (S_IXGRP, "x"),
            (S_IROTH, "r"), (S_IWOTH, "w"), (S_IXOTH, "x"),
        ]
        return String(kind) + String(bits.map { mode & $0.0 != 0 ? $0.1 : "-" })
    }
}
