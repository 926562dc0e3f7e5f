import Testing

@testable import CorralTLS

@Suite("a certificate's subject as ZooKeeper's x509 scheme names it")
struct CertificateSubjectTests {
    @Test("the test certificates read as Java's X500Principal.getName() writes them")
    func fixtures() throws {
        #expect(
            try CertificateSubject.name(certificateDER: Fixtures.certificateDER("alice.pem"))
                == "CN=alice,O=Corral,C=US")
        #expect(
            try CertificateSubject.name(certificateDER: Fixtures.certificateDER("ca.pem"))
                == "CN=Corral Test CA,O=Corral,C=US")
    }

    /// DER of one element.
    static func tlv(_ tag: UInt8, _ content: [UInt8]) -> [UInt8] {
        let n = content.count
        let length: [UInt8] =
            n < 0x80 ? [UInt8(n)] : n < 0x100 ? [0x81, UInt8(n)] : [0x82, UInt8(n >> 8), UInt8(n & 0xFF)]
        return [tag] + length + content
    }

    static func attribute(_ oid: [UInt8], _ tag: UInt8, _ value: String) -> [UInt8] {
        tlv(0x30, tlv(0x06, oid) + tlv(tag, Array(value.utf8)))
    }

    /// A certificate whose TBSCertificate is cut after the subject: all this reader needs.
    static func certificate(subject rdns: [[[UInt8]]]) -> [UInt8] {
        let subject = tlv(0x30, rdns.flatMap { tlv(0x31, $0.flatMap { $0 }) })
        let tbs = tlv(0xA0, tlv(0x02, [2])) + tlv(0x02, [1]) + tlv(0x30, []) + tlv(0x30, []) + tlv(0x30, []) + subject
        return tlv(0x30, tlv(0x30, tbs))
    }

    static let cn: [UInt8] = [0x55, 0x04, 0x03]
    static let ou: [UInt8] = [0x55, 0x04, 0x0B]
    static let uid: [UInt8] = [0x09, 0x92, 0x26, 0x89, 0x93, 0xF2, 0x2C, 0x64, 0x01, 0x01]
    static let email: [UInt8] = [0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x09, 0x01]

    @Test("multi-valued names, RFC 2253 escapes, and types Java does not name as their OID with the value in hex")
    func forms() throws {
        let der = Self.certificate(subject: [
            [Self.attribute(Self.email, 0x16, "a@b")],
            [Self.attribute(Self.ou, 0x0C, "Ops, \"East\"+1")],
            [Self.attribute(Self.cn, 0x13, " x#"), Self.attribute(Self.uid, 0x0C, "u1")],
        ])
        #expect(
            try CertificateSubject.name(certificateDER: der)
                == "CN=\\ x\\#+UID=u1,OU=Ops\\, \\\"East\\\"\\+1,1.2.840.113549.1.9.1=#1603614062")
    }

    @Test(
        "Java's escapes: = and # anywhere, runs of edge spaces, NUL; a known type with a non-string value keeps its name"
    )
    func javaEscapes() throws {
        #expect(CertificateSubject.escaped("svc=prod#1") == "svc\\=prod\\#1")
        #expect(CertificateSubject.escaped("  a b  ") == "\\ \\ a b\\ \\ ")
        #expect(CertificateSubject.escaped("   ") == "\\ \\ \\ ")
        #expect(CertificateSubject.escaped("a\u{0}b") == "a\\00b")
        let octets = Self.certificate(subject: [[Self.tlv(0x30, Self.tlv(0x06, Self.cn) + Self.tlv(0x04, [0xAB]))]])
        #expect(try CertificateSubject.name(certificateDER: octets) == "CN=#0401ab")
    }

    @Test("a BMPString reads as text, and a leading # is escaped")
    func bmp() throws {
        let bmp: [UInt8] = [0x00, 0x23, 0x00, 0x41]  // "#A"
        let der = Self.certificate(subject: [[Self.tlv(0x30, Self.tlv(0x06, Self.cn) + Self.tlv(0x1E, bmp))]])
        #expect(try CertificateSubject.name(certificateDER: der) == "CN=\\#A")
    }

    @Test("every truncation of a real certificate is refused, none crashes; no single-byte change crashes")
    func malformed() throws {
        let der = try Fixtures.certificateDER("alice.pem")
        for length in 0..<der.count {
            #expect(throws: CertificateSubject.Malformed.self, "cut at \(length)") {
                try CertificateSubject.name(certificateDER: Array(der[..<length]))
            }
        }
        for index in der.indices {
            for flip: UInt8 in [0x01, 0x80, 0xFF] {
                var changed = der
                changed[index] ^= flip
                _ = try? CertificateSubject.name(certificateDER: changed)
            }
        }
        #expect(throws: CertificateSubject.Malformed.self) {
            try CertificateSubject.name(certificateDER: [0x30, 0x84, 0xFF])
        }
    }
}
