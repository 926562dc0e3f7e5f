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
        let reason: String?
        switch checkInPlace(path, sequential: sequential) {
        case .checked(let violation):
            reason = violation
        case .notASCII:
            let units = Array(path.utf16)
            reason = firstViolation(count: units.count, sequential: sequential) { units[$0] }
        }
        if let reason { throw Violation(reason: reason, path: path) }
    }

    private enum InPlaceCheck {
        case checked(violation: String?)
        case notASCII
    }

    /// An ASCII path's UTF-8 bytes are its UTF-16 code units: checked where they are, with
    /// no copy (the common case, on every request that names a path).
    private static func checkInPlace(_ path: String, sequential: Bool) -> InPlaceCheck {
        let check = path.utf8.withContiguousStorageIfAvailable { bytes -> InPlaceCheck in
            guard bytes.allSatisfy({ $0 < 0x80 }) else { return .notASCII }
            return .checked(violation: firstViolation(count: bytes.count, sequential: sequential) { UInt16(bytes[$0]) })
        }
        return check ?? .notASCII
    }

    /// The first rule that `count` code units break, or nil. A sequential path is checked
    /// as if it ended in one more character (the server's counter).
    @inline(__always)
    private static func firstViolation(count stored: Int, sequential: Bool, unit: (Int) -> UInt16) -> String? {
        let count = stored + (sequential ? 1 : 0)
        let digit = UInt16(UInt8(ascii: "1"))
        func at(_ i: Int) -> UInt16 { i < stored ? unit(i) : digit }
        guard count > 0 else { return "path length must be > 0" }
        let slash = UInt16(UInt8(ascii: "/"))
        let dot = UInt16(UInt8(ascii: "."))
        guard at(0) == slash else { return "path must start with / character" }
        if count == 1 { return nil }
        guard at(count - 1) != slash else { return "path must not end with / character" }
        var previous = slash
        for i in 1..<count {
            let c = at(i)
            let endsSegment = i + 1 == count || at(i + 1) == slash
            if c == 0 { return "null character not allowed @\(i)" }
            if c == slash && previous == slash { return "empty node name specified @\(i)" }
            if c == dot && previous == dot && i >= 2 && at(i - 2) == slash && endsSegment {
                return "relative paths not allowed @\(i)"
            }
            if c == dot && previous == slash && endsSegment { return "relative paths not allowed @\(i)" }
            if isForbidden(c) { return "invalid character @\(i)" }
            previous = c
        }
        return nil
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
        guard path != "/", let slash = lastSlash(path) else { return nil }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    /// The last segment of a valid path ("" for the root).
    public static func name(of path: String) -> String {
        guard let slash = lastSlash(path) else { return path }
        return String(path[path.utf8.index(after: slash)...])
    }

    /// Searched in the UTF-8 bytes: "/" is one byte and never part of another character,
    /// and a byte search skips grapheme breaking.
    private static func lastSlash(_ path: String) -> String.Index? {
        path.utf8.lastIndex(of: UInt8(ascii: "/"))
    }

    /// `parent` joined with a child name.
    public static func join(_ parent: String, _ child: String) -> String {
        parent == "/" ? "/" + child : parent + "/" + child
    }
}
