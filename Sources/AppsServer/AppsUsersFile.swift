import AppsCore
import ClusterEdge
import FoundationEssentials

/// `corral apps --http-users FILE`: Apps' users, their passwords and what each may do, in
/// the shape of Marathon's example authorization plugin with named roles beside it:
///
///     {"roles": [{"name": "dev", "permissions": [{"allowed": ["create", "update", "view"], "on": "/dev"}]}],
///      "users": [{"user": "ernie", "password": "…", "roles": ["dev"],
///                 "permissions": [{"allowed": "view", "on": "/"}]}]}
///
/// `allowed` is one of create, update, delete, view, `*` (all four), or a list of them.
/// And `--http-credentials USER:PASSWORD` (Marathon's flag): one user who may do
/// everything.
public enum AppsUsersFile {
    public static func read(_ path: String) throws(AppsUsersError) -> [AppsAuthentication.User] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw AppsUsersError("--http-users: cannot read \(path); does it exist and may Corral read it?")
        }
        return try parse(Array(data))
    }

    public static func parse(_ bytes: [UInt8]) throws(AppsUsersError) -> [AppsAuthentication.User] {
        let file: FileJSON
        do {
            file = try JSONTapeDecoder().decode(FileJSON.self, from: bytes)
        } catch let error as AppsUsersError {
            throw error
        } catch {
            throw AppsUsersError(
                "--http-users: not the users file's JSON ({\"users\": [{\"user\", \"password\", \"roles\", \"permissions\"}], \"roles\": […]}): \(error)"
            )
        }
        var roles: [String: [AppsPermission]] = [:]
        for role in file.roles ?? [] {
            guard roles.updateValue(role.permissions.map(\.permission), forKey: role.name) == nil else {
                throw AppsUsersError("--http-users: role '\(role.name)' is defined twice")
            }
        }
        var users: [AppsAuthentication.User] = []
        for user in file.users {
            var permissions = (user.permissions ?? []).map(\.permission)
            for name in user.roles ?? [] {
                guard let granted = roles[name] else {
                    throw AppsUsersError(
                        "--http-users: user '\(user.user)' has role '\(name)', which is not defined under \"roles\"")
                }
                permissions += granted
            }
            users.append(AppsAuthentication.User(name: user.user, password: user.password, permissions: permissions))
        }
        try check(users)
        return users
    }

    /// `USER:PASSWORD`, the one user Marathon's `--http_credentials` names: every
    /// permission on `/`.
    public static func credentials(_ text: String) throws(AppsUsersError) -> AppsAuthentication.User {
        guard let colon = text.firstIndex(of: ":"), colon != text.startIndex, text.index(after: colon) != text.endIndex
        else { throw AppsUsersError("--http-credentials takes USER:PASSWORD") }
        return AppsAuthentication.User(
            name: String(text[..<colon]), password: String(text[text.index(after: colon)...]),
            permissions: [AppsPermission(Set(AppsPermission.Operation.allCases), on: .root)])
    }

    /// No user twice, none nameless or with a ':' in the name, none without a password.
    public static func check(_ users: [AppsAuthentication.User]) throws(AppsUsersError) {
        guard !users.isEmpty else { throw AppsUsersError("--http-users: the file names no user") }
        var seen = Set<String>()
        for user in users {
            guard !user.name.isEmpty, !user.name.contains(":") else {
                throw AppsUsersError("--http-users: '\(user.name)' cannot be a user name (empty, or with a ':')")
            }
            guard !user.password.isEmpty else {
                throw AppsUsersError("--http-users: user '\(user.name)' has no password")
            }
            guard seen.insert(user.name).inserted else {
                throw AppsUsersError("user '\(user.name)' is named twice (--http-users, --http-credentials)")
            }
        }
    }

    private struct FileJSON: Decodable {
        var roles: [RoleJSON]?
        var users: [UserJSON]
    }

    private struct RoleJSON: Decodable {
        var name: String
        var permissions: [PermissionJSON]
    }

    private struct UserJSON: Decodable {
        var user: String
        var password: String
        var roles: [String]?
        var permissions: [PermissionJSON]?
    }

    private struct PermissionJSON: Decodable {
        var permission: AppsPermission

        private enum Keys: String, CodingKey { case allowed, on }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: Keys.self)
            let names: [String]
            if let list = try? container.decode([String].self, forKey: .allowed) {
                names = list
            } else {
                names = [try container.decode(String.self, forKey: .allowed)]
            }
            var operations = Set<AppsPermission.Operation>()
            for name in names {
                if name == "*" {
                    operations.formUnion(AppsPermission.Operation.allCases)
                } else if let operation = AppsPermission.Operation(rawValue: name) {
                    operations.insert(operation)
                } else {
                    throw AppsUsersError("--http-users: '\(name)' is not create, update, delete, view or *")
                }
            }
            let path = try container.decode(String.self, forKey: .on)
            guard path.hasPrefix("/") else {
                throw AppsUsersError("--http-users: \"on\": \"\(path)\" must be an absolute path such as /dev")
            }
            permission = AppsPermission(operations, on: AppID(path))
        }
    }
}

public struct AppsUsersError: Error, CustomStringConvertible, Equatable {
    public var description: String

    public init(_ description: String) { self.description = description }
}
