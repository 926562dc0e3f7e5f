/// An auth packet (AuthPacket): a scheme and its credentials, `digest` with `user:password`.
/// The session replays it on every new connection, since ZooKeeper ties authentication
/// to the connection, not the session.
public struct Authentication: Hashable, Sendable {
    public var scheme: String
    public var credentials: [UInt8]

    public init(scheme: String, credentials: [UInt8]) {
        self.scheme = scheme
        self.credentials = credentials
    }

    public static func digest(user: String, password: String) -> Authentication {
        Authentication(scheme: "digest", credentials: Array("\(user):\(password)".utf8))
    }

    /// zkCli's form `scheme:credentials` (`digest:user:password`).
    public init?(parsing text: String) {
        guard let colon = text.firstIndex(of: ":"), colon != text.startIndex else { return nil }
        self.init(scheme: String(text[..<colon]), credentials: Array(text[text.index(after: colon)...].utf8))
    }
}
