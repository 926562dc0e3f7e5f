import Foundation

/// The test certificates in Tests/Fixtures/tls, made by Tests/Security/tlscerts.py.
enum Fixtures {
    static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Fixtures/tls").path

    static func path(_ name: String) -> String { directory + "/" + name }

    /// The DER of the first certificate in a fixture's PEM file.
    static func certificateDER(_ name: String) throws -> [UInt8] {
        let text = try String(contentsOfFile: path(name), encoding: .utf8)
        guard let begin = text.range(of: "-----BEGIN CERTIFICATE-----"),
            let end = text.range(of: "-----END CERTIFICATE-----", range: begin.upperBound..<text.endIndex),
            let der = Data(
                base64Encoded: String(text[begin.upperBound..<end.lowerBound]), options: .ignoreUnknownCharacters)
        else { throw CocoaError(.fileReadCorruptFile) }
        return Array(der)
    }
}
