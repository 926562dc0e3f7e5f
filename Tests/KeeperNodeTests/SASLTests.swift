import KeeperProtocol
import Testing

@testable import KeeperCore
@testable import KeeperNode

@Suite("KeeperNode: SASL and enforce.auth")
struct SASLTests {
    static func harness(enforce: Set<String> = []) -> NodeHarness {
        NodeHarness {
            $0.saslUsers = ["bob": "bob-secret", "admin": "admin-secret"]
            $0.saslSuperUser = "admin"
            $0.saslNonceSeed = [1, 2, 3]
            $0.enforcedAuthSchemes = enforce
        }
    }

    /// Runs the exchange on connection `id` as pure-sasl would; the final reply.
    static func login(_ h: inout NodeHarness, _ id: ConnectionID, user: String, password: String, xid: Int32 = 1)
        -> (ReplyHeader, Response)?
    {
        guard case .sasl(let challenge?)? = h.response(h.send(id, xid, .sasl(token: [])), to: id),
            case .success(let fields) = SASLDirectives.parse(challenge), let nonce = fields["nonce"]
        else { return nil }
        let digest = SASLDigestServer.Digest(
            user: user, realm: SASLDigestServer.realm, password: password, nonce: nonce, cnonce: "cn", nc: "00000001",
            qop: "auth", uri: SASLDigestServer.digestURI, authzid: nil)
        let answer =
            "username=\"\(user)\",realm=\"zk-sasl-md5\",nonce=\"\(nonce)\",cnonce=\"cn\",nc=00000001,qop=auth,digest-uri=\"zookeeper/zk-sasl-md5\",response=\(digest.response(method: "AUTHENTICATE"))"
        return h.replies(h.send(id, xid + 1, .sasl(token: Array(answer.utf8))), to: id).first
    }

    @Test("a SASL login adds sasl:USER, which ACLs name; zookeeper.superUser's login is super")
    func login() throws {
        var h = Self.harness()
        _ = h.openSession(1)
        let (header, response) = try #require(Self.login(&h, 1, user: "bob", password: "bob-secret"))
        #expect(header.err == 0)
        guard case .sasl(let final?) = response else { throw SASLTestError.noToken }
        #expect(String(decoding: final, as: UTF8.self).hasPrefix("rspauth="))
        let bobOnly = [ACL(perms: .all, id: Id(scheme: "sasl", id: "bob"))]
        _ = h.write(1, 3, create("/bob", [], acl: bobOnly))
        #expect(h.trace(h.send(1, 4, .getData(path: "/bob", watch: false))) == ["1: reply 4 zxid 2 err 0"])
        _ = h.openSession(2)
        #expect(h.trace(h.send(2, 1, .getData(path: "/bob", watch: false))) == ["2: reply 1 zxid 3 err -102"])
        _ = Self.login(&h, 2, user: "admin", password: "admin-secret", xid: 2)
        #expect(h.trace(h.send(2, 4, .getData(path: "/bob", watch: false))) == ["2: reply 4 zxid 3 err 0"])
    }

    @Test("a wrong password: AUTHFAILED with a null token, and the connection is closed")
    func wrongPassword() throws {
        var h = Self.harness()
        _ = h.openSession(1)
        _ = h.send(1, 1, .sasl(token: []))
        let actions = h.send(1, 2, .sasl(token: Array("username=\"bob\",nonce=\"x\",cnonce=\"c\",response=00".utf8)))
        #expect(h.trace(actions) == ["1: reply 2 zxid 0 err -115", "close 1"])
        #expect(h.node.counters.authFailures == 1)
    }

    @Test(
        "enforce.auth: before a login only auth and sasl pass; a ping or a read closes with SESSIONCLOSEDREQUIRESASLAUTH"
    )
    func enforced() throws {
        var h = Self.harness(enforce: ["sasl"])
        _ = h.openSession(1)
        #expect(h.trace(h.send(1, 1, .ping)) == ["1: reply 1 zxid 0 err -124", "close 1"])
        _ = h.openSession(2)
        #expect(try #require(Self.login(&h, 2, user: "bob", password: "bob-secret")).0.err == 0)
        #expect(h.trace(h.send(2, 3, .exists(path: "/", watch: false))) == ["2: reply 3 zxid 2 err 0"])
        // A failed login, when SASL is enforced, says so with -124.
        _ = h.openSession(3)
        _ = h.send(3, 1, .sasl(token: []))
        #expect(
            h.trace(h.send(3, 2, .sasl(token: Array("username=bob".utf8)))) == [
                "3: reply 2 zxid 0 err -124", "close 3",
            ])
    }

    @Test("without SASL users every exchange is refused")
    func unconfigured() {
        var h = NodeHarness()
        _ = h.openSession(1)
        #expect(h.trace(h.send(1, 1, .sasl(token: []))) == ["1: reply 1 zxid 0 err -115", "close 1"])
    }

    enum SASLTestError: Error { case noToken }
}
