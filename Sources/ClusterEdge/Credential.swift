import FoundationEssentials

/// A principal and its secret, as Mesos' credential files hold them.
public struct Credential: Sendable, Equatable, Decodable {
    public var principal: String
    public var secret: String

    public init(principal: String, secret: String) {
        self.principal = principal
        self.secret = secret
    }

    /// The `Authorization` header that presents this credential (HTTP Basic).
    public var authorization: String {
        "Basic " + Data("\(principal):\(secret)".utf8).base64EncodedString()
    }
}

/// Mesos' credential files: a master's `--credentials` holds many, an agent's or a
/// framework's `--credential` one. Both take JSON (`{"credentials": [{"principal": …,
/// "secret": …}]}`, or one `{"principal": …, "secret": …}`) or Mesos' older text form, one
/// `principal secret` per line; a path may be written `file:///path`.
public enum CredentialFile {
    /// Every credential of the file; at least one.
    public static func read(_ path: String, flag: String) throws(CredentialFileError) -> [Credential] {
        let path = path.hasPrefix("file://") ? String(path.dropFirst(7)) : path
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CredentialFileError(flag: flag, message: "cannot read \(path); does it exist and may Corral read it?")
        }
        return try parse(Array(data), flag: flag)
    }

    /// The one credential of a file.
    public static func one(_ path: String, flag: String) throws(CredentialFileError) -> Credential {
        let credentials = try read(path, flag: flag)
        guard credentials.count == 1 else {
            throw CredentialFileError(flag: flag, message: "\(path) holds \(credentials.count) credentials; give one")
        }
        return credentials[0]
    }

    /// The credentials of a file's bytes (JSON or text).
    public static func parse(_ bytes: [UInt8], flag: String) throws(CredentialFileError) -> [Credential] {
        let credentials: [Credential]
        if bytes.first(where: { ![9, 10, 13, 32].contains($0) }) == UInt8(ascii: "{") {
            credentials = try json(bytes, flag: flag)
        } else {
            credentials = try text(bytes, flag: flag)
        }
        guard !credentials.isEmpty else { throw CredentialFileError(flag: flag, message: "it holds no credential") }
        for credential in credentials where credential.principal.isEmpty || credential.principal.contains(":") {
            throw CredentialFileError(
                flag: flag, message: "'\(credential.principal)' cannot be a principal (empty, or with a ':')")
        }
        var seen = Set<String>()
        for credential in credentials where !seen.insert(credential.principal).inserted {
            throw CredentialFileError(flag: flag, message: "principal '\(credential.principal)' appears twice")
        }
        return credentials
    }

    private struct Many: Decodable {
        var credentials: [Credential]
    }

    private static func json(_ bytes: [UInt8], flag: String) throws(CredentialFileError) -> [Credential] {
        if let many = try? JSONTapeDecoder().decode(Many.self, from: bytes) { return many.credentials }
        do {
            return [try JSONTapeDecoder().decode(Credential.self, from: bytes)]
        } catch {
            throw CredentialFileError(
                flag: flag,
                message:
                    "it is not Mesos' credentials JSON ({\"credentials\": [{\"principal\": \"…\", \"secret\": \"…\"}]}): \(error)"
            )
        }
    }

    private static func text(_ bytes: [UInt8], flag: String) throws(CredentialFileError) -> [Credential] {
        var credentials: [Credential] = []
        for (index, line) in String(decoding: bytes, as: UTF8.self).split(
            omittingEmptySubsequences: false, whereSeparator: \.isNewline
        )
        .enumerated() {
            let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" })
            if fields.isEmpty { continue }
            guard fields.count == 2 else {
                throw CredentialFileError(
                    flag: flag, message: "line \(index + 1) is not 'principal secret' (or write the file as JSON)")
            }
            credentials.append(Credential(principal: String(fields[0]), secret: String(fields[1])))
        }
        return credentials
    }
}

public struct CredentialFileError: Error, CustomStringConvertible, Equatable {
    public var flag: String
    public var message: String

    public var description: String { "\(flag): \(message)" }
}
