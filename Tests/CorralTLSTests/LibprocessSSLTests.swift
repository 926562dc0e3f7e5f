import Testing

@testable import CorralTLS

@Suite("Mesos' LIBPROCESS_SSL_* variables")
struct LibprocessSSLTests {
    static func read(_ variables: [String: String]) throws(TLSSetupError) -> LibprocessSSL? {
        try LibprocessSSL(environment: ["LIBPROCESS_SSL_ENABLED": "true"].merging(variables) { $1 })
    }

    @Test("off unless ENABLED is true or 1; OpenSSL's own SSL_CERT_FILE is not read")
    func enabled() throws {
        #expect(try LibprocessSSL(environment: [:]) == nil)
        #expect(try LibprocessSSL(environment: ["LIBPROCESS_SSL_ENABLED": "false"]) == nil)
        #expect(try LibprocessSSL(environment: ["LIBPROCESS_SSL_ENABLED": "0"]) == nil)
        let ssl = try #require(
            try LibprocessSSL(environment: ["LIBPROCESS_SSL_ENABLED": "1", "SSL_CERT_FILE": "/etc/ssl/bundle"]))
        #expect(ssl.certificateFile == nil)
        #expect(ssl.verifyServerCertificate)
        #expect(!ssl.supportDowngrade)
        #expect(ssl.clientCertificates == .none)
        #expect(ssl.versions == .tls12 ... .tls13)
    }

    @Test("the files, downgrade, client certificates and versions as Mesos names them")
    func settings() throws {
        let ssl = try #require(
            try Self.read([
                "LIBPROCESS_SSL_CERT_FILE": "/c.pem", "LIBPROCESS_SSL_KEY_FILE": "/k.pem",
                "LIBPROCESS_SSL_CA_FILE": "/ca.pem", "LIBPROCESS_SSL_SUPPORT_DOWNGRADE": "true",
                "LIBPROCESS_SSL_REQUIRE_CLIENT_CERT": "1", "LIBPROCESS_SSL_ENABLE_TLS_V1_3": "false",
                "LIBPROCESS_SSL_VERIFY_SERVER_CERT": "false", "LIBPROCESS_SSL_HOSTNAME_VALIDATION_SCHEME": "legacy",
            ]))
        #expect(ssl.supportDowngrade)
        #expect(ssl.clientCertificates == .need)
        #expect(ssl.versions == .tls12 ... .tls12)
        #expect(ssl.serverSettings.keyStore == "/c.pem")
        #expect(ssl.serverSettings.keyFile == "/k.pem")
        #expect(ssl.serverSettings.trustStore == "/ca.pem")
        #expect(ssl.serverSettings.clientAuth == .need)
        #expect(!ssl.clientSettings.peerVerification)
        #expect(!ssl.clientSettings.hostnameVerification)
        #expect(try Self.read(["LIBPROCESS_SSL_VERIFY_CERT": "true"])?.clientCertificates == .want)
        #expect(try Self.read(["LIBPROCESS_SSL_REQUIRE_CERT": "true"])?.clientCertificates == .need)
    }

    @Test(
        "what cannot be used is refused naming the variable",
        arguments: [
            (["LIBPROCESS_SSL_SUPPORT_DOWNGRADE": "yes"], "LIBPROCESS_SSL_SUPPORT_DOWNGRADE"),
            (["LIBPROCESS_SSL_CERT_FILE": "/c.pem"], "LIBPROCESS_SSL_KEY_FILE"),
            (["LIBPROCESS_SSL_KEY_FILE": "/k.pem"], "LIBPROCESS_SSL_CERT_FILE"),
            (["LIBPROCESS_SSL_CA_DIR": "/etc/ssl/certs"], "LIBPROCESS_SSL_CA_DIR"),
            (["LIBPROCESS_SSL_CIPHERS": "AES128-SHA"], "LIBPROCESS_SSL_CIPHERS"),
            (["LIBPROCESS_SSL_ENABLE_TLS_V1_0": "true"], "LIBPROCESS_SSL_ENABLE_TLS_V1_0"),
            (
                ["LIBPROCESS_SSL_ENABLE_TLS_V1_2": "false", "LIBPROCESS_SSL_ENABLE_TLS_V1_3": "false"],
                "LIBPROCESS_SSL_ENABLE_TLS_V1_2"
            ),
            (["LIBPROCESS_SSL_HOSTNAME_VALIDATION_SCHEME": "dns"], "LIBPROCESS_SSL_HOSTNAME_VALIDATION_SCHEME"),
        ])
    func refused(variables: [String: String], key: String) {
        #expect {
            _ = try Self.read(variables)
        } throws: { error in
            (error as? TLSSetupError)?.key == key
        }
    }

    @Test("a server without a certificate, or with a file that holds none, is refused naming the variable")
    func serverFiles() throws {
        let none = try #require(try Self.read([:]))
        #expect {
            _ = try TLSContextFactory.server(none.serverSettings, names: .libprocess)
        } throws: { ($0 as? TLSSetupError)?.key == "LIBPROCESS_SSL_CERT_FILE" }
        let wrongKey = try #require(
            try Self.read([
                "LIBPROCESS_SSL_CERT_FILE": Fixtures.path("server.pem"),
                "LIBPROCESS_SSL_KEY_FILE": Fixtures.path("ca.pem"),
            ]))
        #expect {
            _ = try TLSContextFactory.server(wrongKey.serverSettings, names: .libprocess)
        } throws: { ($0 as? TLSSetupError)?.key == "LIBPROCESS_SSL_KEY_FILE" }
    }
}
