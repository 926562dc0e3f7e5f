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
    /// suffix, so it may end in "/". The rules apply to UTF-16 code units, as in Java, so
    /// characters outside the Basic Multilingual Plane (their surrogates) are refused.
    public static func validate(_ path: String, sequential: Bool = false) throws(Violation) {
        let units = Array((sequential ? path + "1" : path).utf16)
        func fail(_ reason: String) -> Violation { Violation(reason: reason, path: path) }
        guard !units.isEmpty else { throw fail("path length must be > 0") }
        let slash = UInt16(UInt8(ascii: "/"))
        let dot = UInt16(UInt8(ascii: "."))
        guard units[0] == slash else { throw fail("path must start with / character") }
        if units.count == 1 { return }
        guard units[units.count - 1] != slash else { throw fail("path must not end with / character") }
        for i in 1..<units.count {
            let c = units[i]
            let previous = units[i - 1]
            let endsSegment = i + 1 == units.count || units[i + 1] == slash
            if c == 0 { throw fail("null character not allowed @\(i)") }
            if c == slash && previous == slash { throw fail("empty node name specified @\(i)") }
            if c == dot && previous == dot && i >= 2 && units[i - 2] == slash && endsSegment {
                throw fail("relative paths not allowed @\(i)")
            }
            if c == dot && previous == slash && endsSegment { throw fail("relative paths not allowed @\(i)") }
            if isForbidden(c) { throw fail("invalid character @\(i)") }
        }
    }

    public static func isValid(_ path: String, sequential: Bool = false) -> Bool {
        do { try validate(path, sequential: sequential) } catch { return false }
        return true
    }

    private static func isForbidden(_ v: UInt16) -> Bool {
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
