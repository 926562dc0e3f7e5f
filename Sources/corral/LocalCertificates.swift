import Crypto
import FoundationEssentials
import SwiftASN1
import X509

/// `corral up --tls`: an authority of the cluster's own and one certificate, signed by it,
/// that every daemon of the local cluster serves, naming localhost and 127.0.0.1. Made
/// once in DATA/tls and used again while valid, so a `--cacert` given to curl or a browser
/// stays good across runs.
enum LocalCertificates {
    struct Files {
        let authority: String
        let certificate: String
        let key: String
    }

    static let names = ["localhost"]
    static let addresses: [[UInt8]] = [[127, 0, 0, 1]]

    /// The files in `directory`, made when missing or expiring within a day.
    static func ensure(in directory: String) throws -> (files: Files, made: Bool) {
        let files = Files(
            authority: directory + "/ca.pem", certificate: directory + "/server.pem", key: directory + "/server-key.pem"
        )
        if let valid = try? stillValid(files), valid { return (files, false) }
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let now = Date()
        let authorityKey = P256.Signing.PrivateKey()
        let authorityName = try DistinguishedName {
            OrganizationName("Corral")
            CommonName("Corral local authority (corral up --tls)")
        }
        let authority = try Certificate(
            version: .v3, serialNumber: .init(), publicKey: .init(authorityKey.publicKey),
            notValidBefore: now - 3600, notValidAfter: now + 10 * 365 * 86_400, issuer: authorityName,
            subject: authorityName, signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.isCertificateAuthority(maxPathLength: 0))
                Critical(KeyUsage(keyCertSign: true, cRLSign: true))
            },
            issuerPrivateKey: .init(authorityKey))
        let serverKey = P256.Signing.PrivateKey()
        let server = try Certificate(
            version: .v3, serialNumber: .init(), publicKey: .init(serverKey.publicKey),
            notValidBefore: now - 3600, notValidAfter: now + 365 * 86_400, issuer: authorityName,
            subject: try DistinguishedName {
                OrganizationName("Corral")
                CommonName("localhost")
            },
            signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.notCertificateAuthority)
                Critical(KeyUsage(digitalSignature: true, keyEncipherment: true))
                try ExtendedKeyUsage([.serverAuth, .clientAuth])
                SubjectAlternativeNames(
                    names.map { GeneralName.dnsName($0) }
                        + addresses.map { GeneralName.ipAddress(ASN1OctetString(contentBytes: $0[...])) })
            },
            issuerPrivateKey: .init(authorityKey))
        try write(try authority.serializeAsPEM().pemString, to: files.authority, mode: 0o644)
        try write(try server.serializeAsPEM().pemString, to: files.certificate, mode: 0o644)
        try write(serverKey.pemRepresentation, to: files.key, mode: 0o600)
        return (files, true)
    }

    /// Whether the files are there and the server's certificate holds for another day.
    private static func stillValid(_ files: Files) throws -> Bool {
        let manager = FileManager.default
        guard manager.fileExists(atPath: files.authority), manager.fileExists(atPath: files.key),
            let data = manager.contents(atPath: files.certificate)
        else { return false }
        let certificate = try Certificate(pemEncoded: String(decoding: data, as: UTF8.self))
        return certificate.notValidAfter > Date() + 86_400
    }

    private static func write(_ text: String, to path: String, mode: Int) throws {
        guard
            FileManager.default.createFile(
                atPath: path, contents: Data(text.utf8), attributes: [.posixPermissions: mode])
        else {
            throw CommandFailure("cannot write \(path); is its directory writable?")
        }
    }
}
