import AppsCore
import ClusterEdge

/// Who may use Apps' REST API and what each may do (`corral apps --http-credentials`,
/// `--http-users`): HTTP Basic against the users' passwords, as Marathon's
/// `--http_credentials` does it, and each user's permissions by path. Only `/ping` is open
/// to a request without credentials.
public struct AppsAuthentication: Sendable {
    /// One user: a name, a password and what it may do.
    public struct User: Sendable, Equatable {
        public var name: String
        public var password: String
        public var permissions: [AppsPermission]

        public init(name: String, password: String, permissions: [AppsPermission]) {
            self.name = name
            self.password = password
            self.permissions = permissions
        }
    }

    public enum Outcome: Sendable {
        case granted(AppsAccess)
        /// No credentials presented.
        case missing
        /// An unknown user or a wrong password.
        case refused
    }

    /// The realm of the challenge (Marathon's `--http_realm`).
    public let realm: String
    private let basic: BasicAuthentication
    private let permissions: [String: [AppsPermission]]

    public init(users: [User], realm: String = "Mesosphere") {
        self.realm = realm
        basic = BasicAuthentication(users.map { Credential(principal: $0.name, secret: $0.password) })
        permissions = Dictionary(users.map { ($0.name, $0.permissions) }) { first, _ in first }
    }

    public var challenge: String { BasicAuthentication.challenge(realm: realm) }

    public func check(authorization: String?) -> Outcome {
        switch basic.check(authorization: authorization) {
        case .authenticated(let name): .granted(AppsAccess(user: name, permissions: permissions[name] ?? []))
        case .missing: .missing
        case .refused: .refused
        }
    }
}
