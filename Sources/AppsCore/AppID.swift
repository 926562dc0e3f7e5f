/// An app's id: an absolute path in Marathon's tree of groups, `/prod/web/frontend`.
/// Users may write it relative (`web`, `./web`, `../web`) or with doubled slashes
/// (`//web`, which the marathon client sends); it is kept absolute and canonical.
public struct AppID: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The path's segments, outermost first; empty for the root group.
    public let segments: [String]

    public init(segments: [String]) { self.segments = segments }

    /// The root group, `/`.
    public static let root = AppID(segments: [])

    /// Reads `text` relative to `base` (absolute when it starts with `/`). `.` and `..`
    /// segments are resolved; empty segments (`//`) are skipped. Segment names are not
    /// checked here: `problems` says what is wrong with them.
    public init(_ text: String, relativeTo base: AppID = .root) {
        var segments = text.hasPrefix("/") ? [] : base.segments
        for segment in text.split(separator: "/", omittingEmptySubsequences: true) {
            switch segment {
            case ".": continue
            case "..": if !segments.isEmpty { segments.removeLast() }
            default: segments.append(String(segment))
            }
        }
        self.segments = segments
    }

    public var description: String { "/" + segments.joined(separator: "/") }

    public var isRoot: Bool { segments.isEmpty }

    /// The group this app sits in.
    public var parent: AppID { AppID(segments: Array(segments.dropLast())) }

    /// How Marathon names an app in its task ids: the path without its leading slash,
    /// `/` replaced by `_` (a character segment names may not hold): `prod_web`.
    public var taskPrefix: String { segments.joined(separator: "_") }

    /// The app whose task ids start with `prefix` (see `taskPrefix`).
    public init(taskPrefix prefix: Substring) {
        self.segments = prefix.split(separator: "_").map(String.init)
    }

    public static func < (lhs: AppID, rhs: AppID) -> Bool { lhs.description < rhs.description }

    /// Marathon's rule for a path segment, as its error messages quote it.
    public static let segmentPattern =
        "^(([a-z0-9]|[a-z0-9][a-z0-9\\-]*[a-z0-9])\\.)*([a-z0-9]|[a-z0-9][a-z0-9\\-]*[a-z0-9])|(\\.|\\.\\.)$"

    /// True when `segment` is lower-case letters, digits, dashes and dots, with a letter or
    /// digit at each end of every dot-separated label.
    public static func isValidSegment(_ segment: String) -> Bool {
        guard !segment.isEmpty else { return false }
        return segment.split(separator: ".", omittingEmptySubsequences: false).allSatisfy(isValidLabel)
    }

    private static func isValidLabel(_ label: Substring) -> Bool {
        guard let first = label.first, let last = label.last else { return false }
        func isAlphanumeric(_ c: Character) -> Bool { c.isASCII && (c.isLowercase || c.isNumber) }
        return isAlphanumeric(first) && isAlphanumeric(last) && label.allSatisfy { isAlphanumeric($0) || $0 == "-" }
    }
}
