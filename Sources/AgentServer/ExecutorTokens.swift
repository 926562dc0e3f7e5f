import AgentCore
import ClusterProtocol
import Crypto
import FoundationEssentials

/// Mesos' executor authentication (`--authenticate-http-executors`): each custom executor
/// is given a token in MESOS_EXECUTOR_AUTHENTICATION_TOKEN, a JWT (HS256, as Mesos' agent
/// makes them) whose claims name its framework (`fid`), executor (`eid`) and container
/// (`cid`); a call to the executor API must carry it as `Authorization: Bearer TOKEN` and
/// may speak only for that framework and executor.
public struct ExecutorTokens: Sendable {
    /// The variable the executor finds its token in.
    public static let variable = "MESOS_EXECUTOR_AUTHENTICATION_TOKEN"
    /// The key's size when the agent makes one of its own.
    public static let keyBytes = 32

    private let key: SymmetricKey

    public init(secret: [UInt8]) {
        key = SymmetricKey(data: secret)
    }

    /// Who a token speaks for.
    public struct Claims: Codable, Equatable, Sendable {
        public var fid: String
        public var eid: String
        public var cid: String
    }

    public enum Refusal: Error, Equatable, CustomStringConvertible {
        case missing, malformed, badSignature

        public var description: String {
            switch self {
            case .missing:
                "The executor API needs the executor's token (Authorization: Bearer, from \(ExecutorTokens.variable))"
            case .malformed: "The Authorization header is not a JWT (header.payload.signature, base64url)"
            case .badSignature: "The token was not made by this agent"
            }
        }
    }

    /// The token of an executor's container.
    public func token(for executor: ExecutorKey, container: Mesos.ContainerID) -> String {
        let header = Self.base64URL(Array(#"{"alg":"HS256","typ":"JWT"}"#.utf8))
        let claims = Claims(fid: executor.framework.value, eid: executor.executor.value, cid: container.value)
        let payload = Self.base64URL((try? JSONEncoder().encode(claims)).map(Array.init) ?? [])
        return header + "." + payload + "." + signature(header + "." + payload)
    }

    /// The claims of an `Authorization: Bearer …` header this agent signed.
    public func claims(authorization: String?) -> Result<Claims, Refusal> {
        guard let authorization, authorization.lowercased().hasPrefix("bearer ") else { return .failure(.missing) }
        let token = authorization.dropFirst(7).trimmingCharacters(in: .whitespaces)
        let parts = token.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 3 else { return .failure(.malformed) }
        guard let given = Self.decodeBase64URL(parts[2]),
            HMAC<SHA256>.isValidAuthenticationCode(
                given, authenticating: Array((parts[0] + "." + parts[1]).utf8), using: key)
        else { return .failure(.badSignature) }
        guard let payload = Self.decodeBase64URL(parts[1]),
            let claims = try? JSONDecoder().decode(Claims.self, from: Data(payload))
        else { return .failure(.malformed) }
        return .success(claims)
    }

    private func signature(_ signed: String) -> String {
        Self.base64URL(Array(HMAC<SHA256>.authenticationCode(for: Array(signed.utf8), using: key)))
    }

    static func base64URL(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(
            of: "/", with: "_"
        )
        .replacingOccurrences(of: "=", with: "")
    }

    static func decodeBase64URL(_ text: String) -> [UInt8]? {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        return Data(base64Encoded: base64).map(Array.init)
    }
}
