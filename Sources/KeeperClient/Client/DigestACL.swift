import Crypto
import KeeperProtocol

/// The digest scheme's ids: `user:BASE64(SHA1("user:password"))`, what ZooKeeper's
/// `DigestAuthenticationProvider.generateDigest` makes of an auth packet.
extension Id {
    public static func digest(user: String, password: String) -> Id {
        let hash = Insecure.SHA1.hash(data: Array("\(user):\(password)".utf8))
        return Id(scheme: "digest", id: "\(user):\(Base64.encode(Array(hash)))")
    }
}

extension ACL {
    /// An ACL entry for a digest user, from the plain password.
    public static func digest(user: String, password: String, perms: Permissions) -> ACL {
        ACL(perms: perms, id: .digest(user: user, password: password))
    }
}

/// Standard base64 with padding (RFC 4648), enough for digest ids without Foundation.
enum Base64 {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    static func encode(_ bytes: [UInt8]) -> String {
        var out: [UInt8] = []
        out.reserveCapacity((bytes.count + 2) / 3 * 4)
        var i = 0
        while i < bytes.count {
            let chunk = bytes[i..<min(i + 3, bytes.count)]
            let b0 = chunk[chunk.startIndex]
            let b1 = chunk.count > 1 ? chunk[chunk.startIndex + 1] : 0
            let b2 = chunk.count > 2 ? chunk[chunk.startIndex + 2] : 0
            out.append(alphabet[Int(b0 >> 2)])
            out.append(alphabet[Int((b0 & 0x03) << 4 | b1 >> 4)])
            out.append(chunk.count > 1 ? alphabet[Int((b1 & 0x0f) << 2 | b2 >> 6)] : UInt8(ascii: "="))
            out.append(chunk.count > 2 ? alphabet[Int(b2 & 0x3f)] : UInt8(ascii: "="))
            i += 3
        }
        return String(decoding: out, as: UTF8.self)
    }
}
