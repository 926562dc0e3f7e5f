/// ZooKeeper's rules for a znode path (`PathUtils.validatePath`): absolute, no empty
/// segment, no trailing slash except for the root, no "." or ".." segment, and none of the
/// control and reserved characters ZooKeeper refuses. Both the server (BadArguments) and
/// the client (before sending) apply them.
public enum PathRules {
    public struct Violation: Error, Equatable, Sendable, CustomStringConvertible {
        public let reason: String
        public let path: String
        public var description: String { "Invalid path string \"\(path)\" caused by \(reason)" }
    }

    /// `sequential` validates as the server will see it: a sequential create's path gets a
    /// suffix, so it may end in "/".
    public static func validate(_ path: String, sequential: Bool = false) throws(Violation) {
        let scalars = Array((sequential ? path + "1" : path).unicodeScalars)
        func fail(_ reason: String) -> Violation { Violation(reason: reason, path: path) }
        guard !scalars.isEmpty else { throw fail("path length must be > 0") }
        guard scalars[0] == "/" else { throw fail("path must start with / character") }
        if scalars.count == 1 { return }
        guard scalars[scalars.count - 1] != "/" else { throw fail("path must not end with / character") }
        for i in 1..<scalars.count {
            let c = scalars[i]
            let previous = scalars[i - 1]
            let endsSegment = i + 1 == scalars.count || scalars[i + 1] == "/"
            if c.value == 0 { throw fail("null character not allowed @\(i)") }
            if c == "/" && previous == "/" { throw fail("empty node name specified @\(i)") }
            if c == "." && previous == "." && i >= 2 && scalars[i - 2] == "/" && endsSegment {
                throw fail("relative paths not allowed @\(i)")
            }
            if c == "." && previous == "/" && endsSegment { throw fail("relative paths not allowed @\(i)") }
            if isForbidden(c) { throw fail("invalid character @\(i)") }
        }
    }

    public static func isValid(_ path: String, sequential: Bool = false) -> Bool {
        do { try validate(path, sequential: sequential) } catch { return false }
        return true
    }

    private static func isForbidden(_ c: Unicode.Scalar) -> Bool {
        let v = c.value
        return (v > 0 && v <= 0x1f) || (v >= 0x7f && v <= 0x9f) || (v >= 0xd800 && v <= 0xf8ff)
            || (v >= 0xfff0 && v <= 0xffff)
    }

    /// The parent of a valid path; "/" for a child of the root; nil for the root itself.
    public static func parent(of path: String) -> String? {
        guard path != "/", let slash = path.lastIndex(of: "/") else { return nil }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    /// The last segment of a valid path ("" for the root).
    public static func name(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return path }
        return String(path[path.index(after: slash)...])
    }

    /// `parent` joined with a child name.
    public static func join(_ parent: String, _ child: String) -> String {
        parent == "/" ? "/" + child : parent + "/" + child
    }
}
