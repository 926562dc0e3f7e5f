import CorralSim
import KeeperProtocol
import Testing

@testable import KeeperCore

@Suite("ACL checks, fixup and digests")
struct AccessControlTests {
    let alice = Who.aliceDigest

    @Test("world:anyone grants its bits to everyone, and only those bits")
    func world() {
        let acl = [ACL(perms: [.read, .write], id: .anyone)]
        #expect(AccessControl.allows(acl, .read, for: []))
        #expect(AccessControl.allows(acl, .write, for: Who.anonymous))
        #expect(!AccessControl.allows(acl, .delete, for: Who.alice))
        #expect(!AccessControl.allows(acl, .admin, for: Who.anonymous))
        // Asking for several bits passes when any one is granted (getACL's READ|ADMIN).
        #expect(AccessControl.allows(acl, [.admin, .read], for: []))
        // An empty ACL passes everything, as in ZooKeeper.
        #expect(AccessControl.allows([], .admin, for: []))
    }

    @Test("digest entries match only the exact id")
    func digest() {
        let acl = [ACL(perms: .all, id: alice)]
        #expect(AccessControl.allows(acl, .read, for: Who.alice))
        #expect(!AccessControl.allows(acl, .read, for: Who.bob))
        #expect(!AccessControl.allows(acl, .read, for: Who.anonymous))
        let almost = Id(scheme: "digest", id: alice.id + "=")
        #expect(!AccessControl.allows(acl, .read, for: [almost]))
        // The same id under another scheme does not match.
        #expect(!AccessControl.allows(acl, .read, for: [Id(scheme: "ip", id: alice.id)]))
    }

    @Test("ip entries match an IPv4 address exactly or within CIDR bits; IPv6 never matches")
    func ip() {
        func allows(_ aclId: String, _ address: String) -> Bool {
            AccessControl.allows(
                [ACL(perms: .read, id: Id(scheme: "ip", id: aclId))], .read, for: [Id(scheme: "ip", id: address)])
        }
        #expect(allows("10.0.0.1", "10.0.0.1"))
        #expect(!allows("10.0.0.1", "10.0.0.2"))
        #expect(allows("10.0.0.0/8", "10.200.3.4"))
        #expect(!allows("10.0.0.0/8", "11.0.0.1"))
        #expect(allows("192.168.1.0/24", "192.168.1.255"))
        #expect(!allows("192.168.1.0/24", "192.168.2.1"))
        #expect(allows("192.168.1.77/24", "192.168.1.1"))  // host bits of the ACL are masked too
        #expect(allows("1.2.3.4/0", "200.1.1.1"))
        #expect(allows("10.0.0.1/32", "10.0.0.1"))
        #expect(!allows("10.0.0.1/32", "10.0.0.0"))
        #expect(!allows("10.0.0.1/31", "10.0.0.2"))
        #expect(allows("10.0.0.1/31", "10.0.0.0"))
        #expect(!allows("0:0:0:0:0:0:0:1", "0:0:0:0:0:0:0:1"))
        #expect(!allows("10.0.0.0/8", "::ffff:10.0.0.1"))
        #expect(!allows("10.0.0.1/33", "10.0.0.1"))
    }

    @Test("super passes every check, even against an ACL with no permissions")
    func superBypass() {
        let nothing = [ACL(perms: [], id: .anyone)]
        #expect(AccessControl.allows(nothing, .admin, for: [Who.superId]))
        #expect(!AccessControl.allows(nothing, .read, for: Who.alice))
        #expect(AccessControl.allows([ACL(perms: .all, id: alice)], .delete, for: Who.root))
    }

    @Test("fixup drops duplicates and keeps the order")
    func fixupDuplicates() throws {
        let read = ACL(perms: .read, id: .anyone)
        let all = ACL(perms: .all, id: .anyone)
        #expect(try AccessControl.fixup([read, all, read, all], ids: []) == [read, all])
    }

    @Test("x509 ids from client certificates: stored as given, matched exactly, and what auth stands for")
    func x509() throws {
        let alice = Id(scheme: "x509", id: "CN=alice,O=Corral,C=US")
        let entry = ACL(perms: .all, id: alice)
        #expect(try AccessControl.fixup([entry], ids: []) == [entry])
        #expect(throws: ErrorCode.invalidACL) {
            try AccessControl.fixup([ACL(perms: .all, id: Id(scheme: "x509", id: ""))], ids: [])
        }
        #expect(AccessControl.allows([entry], .read, for: [Id(scheme: "ip", id: "10.0.0.1"), alice]))
        #expect(!AccessControl.allows([entry], .read, for: [Id(scheme: "x509", id: "CN=alice,O=Corral")]))
        #expect(!AccessControl.allows([entry], .read, for: [Id(scheme: "digest", id: alice.id)]))
        let ids = [Id(scheme: "ip", id: "10.0.0.1"), alice]
        #expect(try AccessControl.fixup([ACL(perms: .read, id: .authIds)], ids: ids) == [ACL(perms: .read, id: alice)])
    }

    @Test("fixup expands auth into the caller's digest ids only, not ip or super")
    func fixupAuth() throws {
        let ids = [Id(scheme: "ip", id: "10.0.0.1"), Who.superId, Who.aliceDigest, Who.bobDigest]
        let perms: Permissions = [.read, .write]
        #expect(
            try AccessControl.fixup([ACL(perms: perms, id: .authIds)], ids: ids) == [
                ACL(perms: perms, id: Who.aliceDigest), ACL(perms: perms, id: Who.bobDigest),
            ])
        // The id of an auth entry is ignored.
        #expect(
            try AccessControl.fixup([ACL(perms: .all, id: Id(scheme: "auth", id: "whatever"))], ids: Who.alice) == [
                ACL(perms: .all, id: alice)
            ])
        // Duplicates are dropped before the expansion, as ZooKeeper does, so an expansion
        // that repeats a listed entry is kept twice.
        #expect(
            try AccessControl.fixup([ACL(perms: .all, id: alice), ACL(perms: .all, id: .authIds)], ids: Who.alice) == [
                ACL(perms: .all, id: alice), ACL(perms: .all, id: alice),
            ])
    }

    @Test(
        "fixup refuses empty lists, world ids other than anyone, bad digest and ip ids, unknown schemes and auth without a digest"
    )
    func fixupInvalid() {
        let cases: [[ACL]] = [
            [],
            [ACL(perms: .all, id: Id(scheme: "world", id: "other"))],
            [ACL(perms: .all, id: .anyone), ACL(perms: .all, id: Id(scheme: "world", id: ""))],
            [ACL(perms: .all, id: Id(scheme: "digest", id: "u:"))],
            [ACL(perms: .all, id: Id(scheme: "digest", id: "nocolon"))],
            [ACL(perms: .all, id: Id(scheme: "digest", id: "a:b:c"))],
            [ACL(perms: .all, id: Id(scheme: "digest", id: ""))],
            [ACL(perms: .all, id: Id(scheme: "ip", id: "300.1.1.1"))],
            [ACL(perms: .all, id: Id(scheme: "ip", id: "10.0.0.1/33"))],
            [ACL(perms: .all, id: Id(scheme: "ip", id: "10.0.0"))],
            [ACL(perms: .all, id: Id(scheme: "ip", id: "::1"))],
            [ACL(perms: .all, id: Id(scheme: "super", id: ""))],
            [ACL(perms: .all, id: Id(scheme: "kerberos", id: "alice"))],
            [ACL(perms: .all, id: .authIds)],
        ]
        for acl in cases {
            #expect(throws: ErrorCode.invalidACL, "\(acl)") {
                try AccessControl.fixup(acl, ids: Who.anonymous + [Who.superId])
            }
        }
    }

    @Test("fixup accepts digest ids as Java's split accepts them, and any permission bits")
    func fixupValid() throws {
        for id in [":x", "u:h", "u:h:", "u:h::"] {
            let acl = [ACL(perms: .all, id: Id(scheme: "digest", id: id))]
            #expect(try AccessControl.fixup(acl, ids: []) == acl, "\(id)")
        }
        let odd = [ACL(perms: Permissions(rawValue: 0x7fff), id: Id(scheme: "ip", id: "10.1.0.0/16"))]
        #expect(try AccessControl.fixup(odd, ids: []) == odd)
    }

    @Test("redaction hides digest hashes and leaves other schemes alone")
    func redaction() {
        let acl = [
            ACL(perms: .all, id: alice), ACL(perms: .read, id: .anyone),
            ACL(perms: .read, id: Id(scheme: "ip", id: "10.0.0.1")),
            ACL(perms: .read, id: Id(scheme: "digest", id: "nocolon")),
        ]
        #expect(
            AccessControl.redacted(acl) == [
                ACL(perms: .all, id: Id(scheme: "digest", id: "alice:x")), acl[1], acl[2], acl[3],
            ])
    }

    @Test("digest of bob:secret is what ZooKeeper computes (kazoo agrees)")
    func digestValue() {
        #expect(digestAuth.digest("bob:secret") == "bob:fyVmFCwVbTJYrznoSu1koqYEYF0=")
        // Only the first colon splits off the user; the whole string is hashed.
        #expect(digestAuth.digest("bob:se:cret").hasPrefix("bob:"))
        #expect(digestAuth.digest("bob:se:cret") != digestAuth.digest("bob:secret"))
    }

    @Test("auth with digest adds the digest id; the super digest adds super first")
    func authenticate() {
        #expect(
            digestAuth.authenticate(scheme: "digest", credentials: Array("bob:secret".utf8)) == [
                Id(scheme: "digest", id: "bob:fyVmFCwVbTJYrznoSu1koqYEYF0=")
            ])
        let withSuper = DigestAuth(
            superDigest: "bob:fyVmFCwVbTJYrznoSu1koqYEYF0=")
        let ids = withSuper.authenticate(scheme: "digest", credentials: Array("bob:secret".utf8))
        #expect(ids == [Id(scheme: "super", id: ""), Id(scheme: "digest", id: "bob:fyVmFCwVbTJYrznoSu1koqYEYF0=")])
        #expect(AccessControl.allows([ACL(perms: [], id: .anyone)], .admin, for: ids ?? []))
        // A wrong password is not super.
        #expect(
            withSuper.authenticate(scheme: "digest", credentials: Array("bob:guess".utf8))?.first?.scheme == "digest")
    }

    @Test("auth fails for schemes without a provider and for empty credentials")
    func authenticateRefused() {
        for scheme in ["world", "super", "auth", "ip", "sasl", ""] {
            #expect(digestAuth.authenticate(scheme: scheme, credentials: Array("bob:secret".utf8)) == nil, "\(scheme)")
        }
        #expect(digestAuth.authenticate(scheme: "digest", credentials: []) == nil)
    }

    @Test("digest credentials without a colon authenticate, as in ZooKeeper")
    func authenticateWithoutColon() {
        let ids = digestAuth.authenticate(scheme: "digest", credentials: Array("bob".utf8))
        #expect(ids == [Id(scheme: "digest", id: digestAuth.digest("bob"))])
        #expect(ids?.first?.id.hasPrefix("bob:") == true)
    }

    @Test("base64 round-trips every length from 0 to 20 and matches the standard alphabet")
    func base64() {
        var rng = SeededRandom(seed: 64)
        for length in 0...20 {
            let bytes = (0..<length).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
            let text = Base64.encode(bytes)
            #expect(text.count == (length + 2) / 3 * 4, "length \(length)")
            #expect(Base64.decode(text) == bytes, "length \(length): \(text)")
        }
        #expect(Base64.encode([]) == "")
        #expect(Base64.encode(Array("f".utf8)) == "Zg==")
        #expect(Base64.encode(Array("fo".utf8)) == "Zm8=")
        #expect(Base64.encode(Array("foo".utf8)) == "Zm9v")
        #expect(Base64.encode([0xfb, 0xff]) == "+/8=")
        #expect(Base64.decode("Zm9vYg==") == Array("foob".utf8))
        #expect(Base64.decode("Zm9v!") == nil)
        #expect(Base64.decode("Z") == nil)
    }
}
