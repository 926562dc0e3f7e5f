import KeeperProtocol

/// ZooKeeper's ACL rules (`ZooKeeperServer.checkACL`, `PrepRequestProcessor.fixupACL` and
/// the digest, ip and x509 providers). A connection holds identities (`ip:` from its
/// address, `x509:` from its TLS client certificate, `digest:` from each successful auth,
/// `sasl:` from a SASL exchange,
/// `super:` for the super digest or the x509 super user); an operation
/// passes when some ACL entry grants the permission to world:anyone or to an identity of
/// the same scheme that matches it.
public enum AccessControl {
    public static let superScheme = "super"
    /// The schemes whose ids an `auth` ACL entry stands for: those that prove who a client
    /// is (ZooKeeper's `isAuthenticated()` providers), not `ip`.
    static let authenticatedSchemes: Set<String> = ["digest", "x509", "sasl"]

    /// Whether identities `ids` hold `permission` on a node with `acl`.
    public static func allows(_ acl: [ACL], _ permission: Permissions, for ids: [Id]) -> Bool {
        if acl.isEmpty { return true }
        if ids.contains(where: { $0.scheme == superScheme }) { return true }
        for entry in acl where !entry.perms.isDisjoint(with: permission) {
            if entry.id == .anyone { return true }
            for id in ids where id.scheme == entry.id.scheme && matches(entry.id, id) { return true }
        }
        return false
    }

    /// Whether an ACL entry's id covers an authenticated id of the same scheme.
    static func matches(_ aclId: Id, _ authId: Id) -> Bool {
        switch aclId.scheme {
        case "digest": return aclId.id == authId.id
        case "ip": return IPv4Range(aclId.id)?.contains(authId.id) ?? false
        default: return aclId.id == authId.id
        }
    }

    /// The ACL as it will be stored: duplicates dropped, `auth` entries replaced by the
    /// caller's authenticated ids, every entry checked. Throws invalidACL as ZooKeeper does.
    /// As in ZooKeeper, duplicates are dropped from the request's list before `auth` is
    /// expanded, and not after: an expansion may repeat an entry the list names.
    public static func fixup(_ acl: [ACL], ids: [Id]) throws(ErrorCode) -> [ACL] {
        var unique: [ACL] = []
        for entry in acl where !unique.contains(entry) { unique.append(entry) }
        var result: [ACL] = []
        for entry in unique {
            switch entry.id.scheme {
            case "world":
                guard entry.id.id == "anyone" else { throw .invalidACL }
                result.append(entry)
            case "auth":
                let authenticated = ids.filter { authenticatedSchemes.contains($0.scheme) }
                guard !authenticated.isEmpty else { throw .invalidACL }
                result += authenticated.map { ACL(perms: entry.perms, id: $0) }
            case "digest":
                guard isValidDigestId(entry.id.id) else { throw .invalidACL }
                result.append(entry)
            case "ip":
                guard IPv4Range(entry.id.id) != nil else { throw .invalidACL }
                result.append(entry)
            case "x509", "sasl":
                guard !entry.id.id.isEmpty else { throw .invalidACL }
                result.append(entry)
            default:
                throw .invalidACL
            }
        }
        guard !result.isEmpty else { throw .invalidACL }
        return result
    }

    /// `user:hash`: two parts once split on ":" as Java's `split(":")` splits, which drops
    /// every trailing empty part. So "u:" (one part) is refused, ":x" is accepted, and so is
    /// "u:h:" (three parts, the last empty).
    static func isValidDigestId(_ id: String) -> Bool {
        var parts = id.split(separator: ":", omittingEmptySubsequences: false)
        while parts.count > 1 && parts[parts.count - 1].isEmpty { parts.removeLast() }
        return parts.count == 2
    }

    /// What getACL shows a caller without ADMIN: digest hashes redacted to `user:x`.
    public static func redacted(_ acl: [ACL]) -> [ACL] {
        acl.map { entry in
            guard entry.id.scheme == "digest", let colon = entry.id.id.firstIndex(of: ":") else { return entry }
            return ACL(perms: entry.perms, id: Id(scheme: "digest", id: entry.id.id[..<colon] + ":x"))
        }
    }
}

/// An IPv4 address with an optional prefix length, as the ip scheme writes it
/// ("10.0.0.1" or "10.0.0.0/8"). IPv6 never matches, as in ZooKeeper.
struct IPv4Range: Equatable {
    let address: UInt32
    let bits: Int

    init?(_ text: String) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count <= 2, let address = Self.parse(parts[0]) else { return nil }
        var bits = 32
        if parts.count == 2 {
            guard let b = Int(parts[1]), (0...32).contains(b) else { return nil }
            bits = b
        }
        self.address = address
        self.bits = bits
    }

    private var mask: UInt32 { bits == 0 ? 0 : UInt32.max << UInt32(32 - bits) }

    func contains(_ text: String) -> Bool {
        guard let other = Self.parse(Substring(text)) else { return false }
        return other & mask == address & mask
    }

    static func parse(_ text: Substring) -> UInt32? {
        let octets = text.split(separator: ".", omittingEmptySubsequences: false)
        guard octets.count == 4 else { return nil }
        var value: UInt32 = 0
        for octet in octets {
            guard !octet.isEmpty, octet.count <= 3, let byte = UInt8(octet) else { return nil }
            value = value << 8 | UInt32(byte)
        }
        return value
    }
}
