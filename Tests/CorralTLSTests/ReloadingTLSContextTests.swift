import Foundation
import Logging
import NIOConcurrencyHelpers
import NIOSSL
import Testing

@testable import CorralTLS

@Suite("TLS contexts that follow their files")
struct ReloadingTLSContextTests {
    final class Counter: Sendable {
        let made = NIOLockedValueBox(0)
    }

    static func workspace() throws -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("reload-\(UUID())").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        for name in ["server.pem", "ca.pem"] {
            try FileManager.default.copyItem(atPath: Fixtures.path(name), toPath: directory + "/" + name)
        }
        return directory
    }

    /// Puts `source`'s bytes at `path` the way renewals do: a new file renamed over it.
    static func replace(_ path: String, with bytes: Data) throws {
        try bytes.write(to: URL(fileURLWithPath: path + ".new"))
        _ = rename(path + ".new", path)
    }

    @Test("a changed key store makes a new context for later connections; an unusable one keeps the old, tried once")
    func reload() async throws {
        let directory = try Self.workspace()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var settings = TLSSettings(keyStore: directory + "/server.pem", trustStore: directory + "/ca.pem")
        settings.clientAuth = .need
        let counter = Counter()
        let reloading = try ReloadingTLSContext(settings, logger: Logger(label: "test")) {
            counter.made.withLockedValue { $0 += 1 }
            return try TLSContextFactory.server($0)
        }
        let first = reloading.current()
        #expect(reloading.current() === first)
        try await Task.sleep(for: ReloadingTLSContext.checkInterval + .milliseconds(100))
        #expect(reloading.current() === first, "nothing changed: no new context")
        #expect(counter.made.withLockedValue { $0 } == 1)

        try Self.replace(
            directory + "/server.pem", with: Data(contentsOf: URL(fileURLWithPath: Fixtures.path("server2.pem"))))
        try await Task.sleep(for: ReloadingTLSContext.checkInterval + .milliseconds(100))
        let second = reloading.current()
        #expect(second !== first)
        #expect(counter.made.withLockedValue { $0 } == 2)

        try Self.replace(directory + "/server.pem", with: Data("not a pem file".utf8))
        try await Task.sleep(for: ReloadingTLSContext.checkInterval + .milliseconds(100))
        #expect(reloading.current() === second, "an unusable file keeps the context in use")
        try await Task.sleep(for: ReloadingTLSContext.checkInterval + .milliseconds(100))
        #expect(reloading.current() === second)
        #expect(counter.made.withLockedValue { $0 } == 3, "the same broken files are tried once")
    }

    @Test("files that make no context are refused up front, naming the key and the fix")
    func refusals() throws {
        #expect {
            try TLSContextFactory.server(TLSSettings(keyStore: Fixtures.path("ca.pem")))
        } throws: { error in
            "\(error)".hasPrefix("ssl.keyStore.location:") && "\(error)".contains("no private key")
        }
        #expect {
            try TLSContextFactory.server(TLSSettings(keyStore: "/nonexistent/server.pem"))
        } throws: { error in
            "\(error)".contains("cannot read certificates from /nonexistent/server.pem")
        }
        var ciphers = TLSSettings(keyStore: Fixtures.path("server.pem"))
        ciphers.cipherSuites = ["TLS_NULL_WITH_NULL_NULL"]
        #expect {
            try TLSContextFactory.server(ciphers)
        } throws: { error in
            "\(error)".hasPrefix("ssl.ciphersuites: TLS_NULL_WITH_NULL_NULL is not a cipher suite")
        }
        #expect(throws: TLSSetupError.self) { try TLSContextFactory.server(TLSSettings()) }
    }
}
