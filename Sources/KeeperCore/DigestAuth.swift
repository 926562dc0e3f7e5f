import KeeperProtocol

/// The digest scheme: `addauth digest user:password` authenticates as
/// `digest:user:base64(sha1("user:password"))`, the form ACLs name.
public struct DigestAuth: Sendable {
    /// `user:base64hash` of the super user, if configured: it passes every ACL check.
    public let superDigest: String?

    public init(superDigest: String? = nil) {
        self.superDigest = superDigest
    }

    /// `user:base64(sha1(user:password))` for credentials `user:password`.
    public func digest(_ credentials: String) -> String {
        let user = credentials.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)[0]
        return user + ":" + Base64.encode(SHA1Hash.hash(Array(credentials.utf8)))
    }

    /// The identities a successful `auth` adds, or nil when the scheme or credentials are
    /// refused (the connection then gets AUTHFAILED and is closed). As in ZooKeeper, any
    /// non-empty credentials are accepted, with or without a colon: "bob" authenticates as
    /// `bob:base64(sha1("bob"))`, an id no ACL names unless it was made for it.
    public func authenticate(scheme: String, credentials: [UInt8]) -> [Id]? {
        guard scheme == "digest", !credentials.isEmpty,
            let text = String(validating: credentials, as: UTF8.self)
        else { return nil }
        let id = digest(text)
        let digestId = Id(scheme: "digest", id: id)
        if id == superDigest { return [Id(scheme: AccessControl.superScheme, id: ""), digestId] }
        return [digestId]
    }
}

/// Standard base64 with padding, for digest ids.
public enum Base64 {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    public static func encode(_ bytes: [UInt8]) -> String {
        var out: [UInt8] = []
        out.reserveCapacity((bytes.count + 2) / 3 * 4)
        var i = 0
        while i < bytes.count {
            let b0 = UInt32(bytes[i])
            let b1 = i + 1 < bytes.count ? UInt32(bytes[i + 1]) : 0
            let b2 = i + 2 < bytes.count ? UInt32(bytes[i + 2]) : 0
            let triple = b0 << 16 | b1 << 8 | b2
            out.append(alphabet[Int(triple >> 18 & 63)])
            out.append(alphabet[Int(triple >> 12 & 63)])
            out.append(i + 1 < bytes.count ? alphabet[Int(triple >> 6 & 63)] : UInt8(ascii: "="))
            out.append(i + 2 < bytes.count ? alphabet[Int(triple & 63)] : UInt8(ascii: "="))
            i += 3
        }
        return String(decoding: out, as: UTF8.self)
    }

    public static func decode(_ text: String) -> [UInt8]? {
        var values: [UInt8] = []
        for byte in text.utf8 where byte != UInt8(ascii: "=") {
            guard let index = alphabet.firstIndex(of: byte) else { return nil }
            values.append(UInt8(index))
        }
        guard values.count % 4 != 1 else { return nil }
        var out: [UInt8] = []
        var i = 0
        while i < values.count {
            let chunk = values[i..<min(i + 4, values.count)]
            var acc: UInt32 = 0
            for (k, v) in chunk.enumerated() { acc |= UInt32(v) << UInt32(18 - 6 * k) }
            out.append(UInt8(acc >> 16 & 0xff))
            if chunk.count > 2 { out.append(UInt8(acc >> 8 & 0xff)) }
            if chunk.count > 3 { out.append(UInt8(acc & 0xff)) }
            i += 4
        }
        return out
    }
}
