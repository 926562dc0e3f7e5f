import FoundationEssentials

/// HTTP Basic authentication against a master's credentials, as Mesos' `basic` HTTP
/// authenticator does it: the `Authorization: Basic base64(principal:secret)` header names
/// a principal of the file with its secret, or the request is answered 401 with a
/// challenge.
public struct BasicAuthentication: Sendable {
    /// What a 401 carries, so that curl and browsers know to send credentials.
    public static let challenge = challenge(realm: "mesos")

    /// The challenge of another realm (Apps' is Marathon's `--http_realm`).
    public static func challenge(realm: String) -> String {
        "Basic realm=\"\(realm.filter { $0 != "\"" && $0 != "\\" && !$0.isNewline })\""
    }

    public enum Outcome: Sendable, Equatable {
        case authenticated(principal: String)
        /// No Authorization header, or one of another scheme.
        case missing
        /// A Basic header whose principal is unknown or whose secret is wrong.
        case refused
    }

    private let secrets: [String: [UInt8]]

    public init(_ credentials: [Credential]) {
        secrets = Dictionary(credentials.map { ($0.principal, Array($0.secret.utf8)) }) { first, _ in first }
    }

    public func check(authorization: String?) -> Outcome {
        guard let (principal, secret) = Self.presented(authorization) else {
            return authorization.map { $0.lowercased().hasPrefix("basic ") } == true ? .refused : .missing
        }
        guard let expected = secrets[principal], Self.sameBytes(expected, Array(secret.utf8)) else {
            return .refused
        }
        return .authenticated(principal: principal)
    }

    private static func presented(_ header: String?) -> (principal: String, secret: String)? {
        guard let header, header.count > 6, header.prefix(6).lowercased() == "basic " else { return nil }
        let blank: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        var encoded = header.dropFirst(6).drop(while: blank)
        while let last = encoded.last, blank(last) { encoded.removeLast() }
        guard let data = Data(base64Encoded: String(encoded)), let text = String(data: data, encoding: .utf8),
            let colon = text.firstIndex(of: ":")
        else { return nil }
        return (String(text[..<colon]), String(text[text.index(after: colon)...]))
    }

    /// Compares without stopping at the first difference, so that the time taken does not
    /// tell how much of a guessed secret was right.
    private static func sameBytes(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        var difference = UInt8(a.count == b.count ? 0 : 1)
        for index in 0..<max(a.count, b.count) {
            difference |= (index < a.count ? a[index] : 0) ^ (index < b.count ? b[index] : 0)
        }
        return difference == 0
    }
}
