/// ACL permission bits (`ZooDefs.Perms`).
public struct Permissions: OptionSet, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: Int32
    public init(rawValue: Int32) { self.rawValue = rawValue }

    public static let read = Permissions(rawValue: 1)
    public static let write = Permissions(rawValue: 2)
    public static let create = Permissions(rawValue: 4)
    public static let delete = Permissions(rawValue: 8)
    public static let admin = Permissions(rawValue: 16)
    public static let all: Permissions = [.read, .write, .create, .delete, .admin]

    /// The letters zkCli prints and parses: c d r w a.
    public var description: String {
        var s = ""
        if contains(.create) { s += "c" }
        if contains(.delete) { s += "d" }
        if contains(.read) { s += "r" }
        if contains(.write) { s += "w" }
        if contains(.admin) { s += "a" }
        return s
    }

    /// Parses zkCli's letters ("cdrwa"); nil on any other character.
    public init?(letters: String) {
        var perms: Permissions = []
        for letter in letters {
            switch letter {
            case "c": perms.insert(.create)
            case "d": perms.insert(.delete)
            case "r": perms.insert(.read)
            case "w": perms.insert(.write)
            case "a": perms.insert(.admin)
            default: return nil
            }
        }
        self = perms
    }
}
