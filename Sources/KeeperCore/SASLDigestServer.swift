/// The server side of SASL's DIGEST-MD5 (RFC 2831) as ZooKeeper's Java server runs it for
/// the `sasl` scheme: service `zookeeper`, server name and realm `zk-sasl-md5`, qop `auth`
/// only, passwords from the JAAS file's `user_NAME="…"` options.
///
/// The client's first token (empty) gets the challenge; its response is checked and, when
/// its digest matches the password, answered with `rspauth`, which ends the exchange
/// (kazoo's pure-sasl and Java's client send nothing more). Any other step refuses.
public struct SASLDigestServer: Sendable {
    public static let realm = "zk-sasl-md5"
    public static let digestURI = "zookeeper/zk-sasl-md5"

    public enum Outcome: Equatable, Sendable {
        /// Send this token and wait for the client's next one.
        case challenge([UInt8])
        /// The client is `user`; send `final` (rspauth) and the exchange is over.
        case authenticated(user: String, final: [UInt8])
        /// Refuse the client, for this reason (for the log; the client sees only AUTHFAILED).
        case refused(String)
    }

    private enum Phase: Sendable { case initial, challenged, done }

    private let nonce: String
    private var phase = Phase.initial

    /// `nonce` must be unpredictable: the node derives it from a seed the shell draws.
    public init(nonce: String) {
        self.nonce = nonce
    }

    /// The next step for the client's `token`; `password` looks a user's password up.
    public mutating func evaluate(_ token: [UInt8], password: (String) -> String?) -> Outcome {
        switch phase {
        case .initial:
            phase = .challenged
            let challenge = "realm=\"\(Self.realm)\",nonce=\"\(nonce)\",charset=utf-8,algorithm=md5-sess"
            return .challenge(Array(challenge.utf8))
        case .challenged:
            phase = .done
            return respond(to: token, password: password)
        case .done:
            return .refused("a SASL token after the exchange ended")
        }
    }

    private func respond(to token: [UInt8], password: (String) -> String?) -> Outcome {
        let fields: [String: String]
        switch SASLDirectives.parse(token) {
        case .success(let parsed): fields = parsed
        case .failure(let error): return .refused(error.reason)
        }
        guard let user = fields["username"], !user.isEmpty else { return .refused("no username") }
        // A client may leave the realm out; the digest then uses an empty one (RFC 2831, Java).
        let realm = fields["realm"] ?? ""
        guard realm == Self.realm || realm.isEmpty else { return .refused("realm '\(realm)' was not offered") }
        guard fields["nonce"] == nonce else { return .refused("the nonce is not the one offered") }
        guard let cnonce = fields["cnonce"], !cnonce.isEmpty else { return .refused("no cnonce") }
        let nc = fields["nc"] ?? "00000001"
        guard nc == "00000001" else { return .refused("nonce count \(nc) on a first response") }
        let qop = fields["qop"] ?? "auth"
        guard qop == "auth" else { return .refused("qop \(qop) is not offered (only auth)") }
        guard let uri = fields["digest-uri"], uri.lowercased() == Self.digestURI else {
            return .refused("digest-uri is not \(Self.digestURI)")
        }
        guard let response = fields["response"] else { return .refused("no response") }
        guard let secret = password(user) else { return .refused("no such user \(user)") }
        let digest = Digest(
            user: user, realm: realm, password: secret, nonce: nonce, cnonce: cnonce, nc: nc, qop: qop, uri: uri,
            authzid: fields["authzid"])
        guard response.lowercased() == digest.response(method: "AUTHENTICATE") else {
            return .refused("wrong password for \(user)")
        }
        return .authenticated(user: user, final: Array("rspauth=\(digest.response(method: ""))".utf8))
    }

    /// RFC 2831's digest: A1 = H(user:realm:password):nonce:cnonce[:authzid], A2 =
    /// method:digest-uri, response = HEX(H(HEX(H(A1)):nonce:nc:cnonce:qop:HEX(H(A2)))).
    struct Digest {
        let user: String
        let realm: String
        let password: String
        let nonce: String
        let cnonce: String
        let nc: String
        let qop: String
        let uri: String
        let authzid: String?

        func response(method: String) -> String {
            var a1 = MD5Hash.hash(Array("\(user):\(realm):\(password)".utf8))
            a1 += Array(":\(nonce):\(cnonce)".utf8)
            if let authzid { a1 += Array(":\(authzid)".utf8) }
            let ha1 = MD5Hash.hex(MD5Hash.hash(a1))
            let ha2 = MD5Hash.hex(MD5Hash.hash(Array("\(method):\(uri)".utf8)))
            return MD5Hash.hex(MD5Hash.hash(Array("\(ha1):\(nonce):\(nc):\(cnonce):\(qop):\(ha2)".utf8)))
        }
    }
}

/// A DIGEST-MD5 token's `name=value` list (RFC 2831 §7.1): values bare or in double quotes
/// with `\` escapes, separated by commas and spaces. A name given twice is refused.
public enum SASLDirectives {
    public struct Malformed: Error, Equatable, Sendable {
        public let reason: String
    }

    public static func parse(_ token: [UInt8]) -> Result<[String: String], Malformed> {
        guard let text = String(validating: token, as: UTF8.self) else {
            return .failure(Malformed(reason: "the response is not UTF-8"))
        }
        var fields: [String: String] = [:]
        var rest = Substring(text)
        while true {
            rest = rest.drop { $0 == "," || $0 == " " || $0 == "\t" }
            if rest.isEmpty { return .success(fields) }
            guard let equals = rest.firstIndex(of: "=") else {
                return .failure(Malformed(reason: "'\(rest.prefix(32))' has no value"))
            }
            let name = rest[..<equals].trimmingCharacters(" \t").lowercased()
            guard !name.isEmpty else { return .failure(Malformed(reason: "a value without a name")) }
            rest = rest[rest.index(after: equals)...]
            let value: String
            if rest.first == "\"" {
                guard let (quoted, after) = unquote(rest.dropFirst()) else {
                    return .failure(Malformed(reason: "the value of \(name) has no closing quote"))
                }
                value = quoted
                rest = after
            } else {
                let end = rest.firstIndex(of: ",") ?? rest.endIndex
                value = rest[..<end].trimmingCharacters(" \t")
                rest = rest[end...]
            }
            guard fields.updateValue(value, forKey: name) == nil else {
                return .failure(Malformed(reason: "\(name) is given twice"))
            }
        }
    }

    /// The text up to the closing quote, with `\x` read as `x`; and what follows it.
    private static func unquote(_ text: Substring) -> (String, Substring)? {
        var value = ""
        var index = text.startIndex
        while index < text.endIndex {
            let character = text[index]
            if character == "\"" { return (value, text[text.index(after: index)...]) }
            if character == "\\" {
                index = text.index(after: index)
                guard index < text.endIndex else { return nil }
            }
            value.append(text[index])
            index = text.index(after: index)
        }
        return nil
    }
}

extension Substring {
    fileprivate func trimmingCharacters(_ set: String) -> String {
        String(drop { set.contains($0) }.reversed().drop { set.contains($0) }.reversed())
    }
}
