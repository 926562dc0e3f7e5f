import KeeperClient
import KeeperProtocol

/// How a daemon uses Keeper under `zk://user:password@hosts/path`, as Mesos does: it
/// authenticates with the digest scheme and creates every znode readable by everyone and
/// writable only by its own identity (Mesos' EVERYONE_READ_CREATOR_ALL), so another
/// Keeper client can read who leads but cannot write a false master or registry. Without
/// credentials, znodes are open, as before.
public struct KeeperAccess: Sendable, Equatable {
    public let authentication: [Authentication]
    public let acl: [ACL]

    /// From the `user:password` of a zk:// URL; nil or empty: open.
    public init(credentials: String?) {
        guard let credentials, let colon = credentials.firstIndex(of: ":") else {
            authentication = []
            acl = ACL.openUnsafe
            return
        }
        let user = String(credentials[..<colon])
        let password = String(credentials[credentials.index(after: colon)...])
        authentication = [.digest(user: user, password: password)]
        acl = ACL.creatorAll + ACL.readUnsafe
    }

    /// A client configuration that presents the credentials on every connection.
    public func configuration(sessionTimeout: Duration? = nil) -> KeeperClient.Configuration {
        var configuration = KeeperClient.Configuration()
        configuration.authentication = authentication
        if let sessionTimeout { configuration.sessionTimeout = sessionTimeout }
        return configuration
    }
}

extension MasterURL {
    /// The Keeper access its credentials give; open for a direct URL.
    public var keeperAccess: KeeperAccess {
        guard case .keeper(_, _, let credentials) = self else { return KeeperAccess(credentials: nil) }
        return KeeperAccess(credentials: credentials)
    }
}
