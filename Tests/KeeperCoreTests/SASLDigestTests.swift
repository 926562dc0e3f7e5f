import Testing

@testable import KeeperCore

@Suite("SASL DIGEST-MD5, as ZooKeeper's sasl scheme speaks it")
struct SASLDigestTests {
    @Test("MD5 matches RFC 1321's test suite")
    func md5() {
        let vectors = [
            ("", "d41d8cd98f00b204e9800998ecf8427e"), ("a", "0cc175b9c0f1b6a831c399e269772661"),
            ("abc", "900150983cd24fb0d6963f7d28e17f72"), ("message digest", "f96b697d7cb7938d525a2f31aaf161d0"),
            ("abcdefghijklmnopqrstuvwxyz", "c3fcd3d76192e4007dfb496cca67e13b"),
            (String(repeating: "1234567890", count: 8), "57edf4a22be3c955ac49da2e2107b67a"),
        ]
        for (message, digest) in vectors {
            #expect(MD5Hash.hex(MD5Hash.hash(Array(message.utf8))) == digest, "\(message)")
        }
    }

    @Test("the digest and rspauth of RFC 2831's example")
    func rfcExample() {
        let digest = SASLDigestServer.Digest(
            user: "chris", realm: "elwood.innosoft.com", password: "secret", nonce: "OA6MG9tEQGm2hh",
            cnonce: "OA6MHXh6VqTrRk", nc: "00000001", qop: "auth", uri: "imap/elwood.innosoft.com", authzid: nil)
        #expect(digest.response(method: "AUTHENTICATE") == "d388dad90d4bbd760a152321f2143af7")
        #expect(digest.response(method: "") == "ea40f60335c427b5527b84dbabcdfffd")
    }

    static let users = ["bob": "bob-secret"]

    /// What a client answers to `challenge` (pure-sasl's fields), with `password`.
    static func answer(_ nonce: String, password: String, extra: String = "", uri: String = SASLDigestServer.digestURI)
        -> [UInt8]
    {
        let digest = SASLDigestServer.Digest(
            user: "bob", realm: SASLDigestServer.realm, password: password, nonce: nonce, cnonce: "c-nonce",
            nc: "00000001", qop: "auth", uri: uri, authzid: nil)
        let text =
            "qop=auth,realm=\(SASLDigestServer.realm),username=\"bob\",nonce=\"\(nonce)\",cnonce=\"c-nonce\",nc=00000001,digest-uri=\"\(uri)\",response=\(digest.response(method: "AUTHENTICATE"))\(extra)"
        return Array(text.utf8)
    }

    @Test(
        "the first token gets the challenge Java's server sends; the right password gets rspauth, and then nothing more"
    )
    func exchange() throws {
        var server = SASLDigestServer(nonce: "n0nce+/=")
        let challenge = server.evaluate([]) { Self.users[$0] }
        #expect(
            challenge
                == .challenge(Array("realm=\"zk-sasl-md5\",nonce=\"n0nce+/=\",charset=utf-8,algorithm=md5-sess".utf8)))
        let outcome = server.evaluate(Self.answer("n0nce+/=", password: "bob-secret")) { Self.users[$0] }
        let rspauth = SASLDigestServer.Digest(
            user: "bob", realm: SASLDigestServer.realm, password: "bob-secret", nonce: "n0nce+/=", cnonce: "c-nonce",
            nc: "00000001", qop: "auth", uri: SASLDigestServer.digestURI, authzid: nil
        ).response(method: "")
        #expect(outcome == .authenticated(user: "bob", final: Array("rspauth=\(rspauth)".utf8)))
        guard case .refused = server.evaluate([], password: { Self.users[$0] }) else {
            Issue.record("a token after the end was accepted")
            return
        }
    }

    @Test(
        "a response that does not prove the password, or breaks the exchange's rules, is refused",
        arguments: [
            ("wrong password", Self.answer("N", password: "guess")),
            ("other nonce", Self.answer("M", password: "bob-secret")),
            ("other uri", Self.answer("N", password: "bob-secret", uri: "zookeeper/elsewhere")),
            ("qop given twice", Self.answer("N", password: "bob-secret", extra: ",qop=auth")),
            (
                "unknown user",
                Array("username=\"eve\",nonce=\"N\",cnonce=\"c\",digest-uri=\"zookeeper/zk-sasl-md5\",response=00".utf8)
            ),
            (
                "integrity asked for",
                Array(
                    "username=\"bob\",qop=auth-int,nonce=\"N\",cnonce=\"c\",digest-uri=\"zookeeper/zk-sasl-md5\",response=00"
                        .utf8)
            ),
            ("unclosed quote", Array("username=\"bob".utf8)),
            ("not UTF-8", [0xFF, 0xFE]),
        ])
    func refusals(_ what: String, _ response: [UInt8]) {
        var server = SASLDigestServer(nonce: "N")
        _ = server.evaluate([]) { Self.users[$0] }
        guard case .refused = server.evaluate(response, password: { Self.users[$0] }) else {
            Issue.record("\(what) was accepted")
            return
        }
    }

    @Test("a response without a realm is checked against the digest of an empty realm, as Java's server does")
    func noRealm() {
        var server = SASLDigestServer(nonce: "N")
        _ = server.evaluate([], password: { Self.users[$0] })
        let digest = SASLDigestServer.Digest(
            user: "bob", realm: "", password: "bob-secret", nonce: "N", cnonce: "c", nc: "00000001", qop: "auth",
            uri: SASLDigestServer.digestURI, authzid: nil)
        let answer =
            "username=\"bob\",nonce=\"N\",cnonce=\"c\",digest-uri=\"zookeeper/zk-sasl-md5\",response=\(digest.response(method: "AUTHENTICATE"))"
        guard case .authenticated(let user, _) = server.evaluate(Array(answer.utf8), password: { Self.users[$0] })
        else {
            Issue.record("refused")
            return
        }
        #expect(user == "bob")
    }

    @Test("directives: bare and quoted values, escapes, spaces around commas")
    func directives() throws {
        let parsed = try SASLDirectives.parse(Array(#"a=1, B="x,\"y\"" ,  c=""  , d=plain"#.utf8)).get()
        #expect(parsed == ["a": "1", "b": #"x,"y""#, "c": "", "d": "plain"])
        #expect(throws: SASLDirectives.Malformed.self) { try SASLDirectives.parse(Array("novalue".utf8)).get() }
        #expect(throws: SASLDirectives.Malformed.self) { try SASLDirectives.parse(Array("=x".utf8)).get() }
    }
}
