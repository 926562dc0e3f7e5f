import ClusterEdge
import ClusterProtocol

/// What `corral apps` is told, with Marathon's flag defaults where it has the flag.
public struct AppsSettings: Sendable {
    /// `zk://HOSTS/PATH` where Apps keeps its state and elects its leader (`--zk`).
    public var zk: MasterURL
    /// The masters to subscribe to (`--master`).
    public var master: MasterURL
    /// HTTPS on the port (Mesos' `LIBPROCESS_SSL_*`); nil serves plain HTTP.
    public var tls: ClusterTLS?
    /// What Apps authenticates to the master with (Marathon's
    /// `--mesos_authentication_principal` and `--mesos_authentication_secret_file`); its
    /// principal is FrameworkInfo's.
    public var credential: Credential?
    /// Who may use the REST API and what each may do (`--http-credentials`,
    /// `--http-users`); nil: anyone, everything, as Marathon without them.
    public var authentication: AppsAuthentication?
    public var ip = "127.0.0.1"
    public var hostname = "localhost"
    public var port = 8080
    /// The framework's name at the master (`--framework_name`).
    public var frameworkName = "corral-apps"
    /// The user tasks run as unless an app names one (`--mesos_user`).
    public var user = "root"
    /// The framework's role (`--mesos_role`): tasks' resources come from it or from `*`.
    public var role = "*"
    /// More roles to subscribe with, for apps of the top-level groups they name
    /// (`--roles`; Marathon adds a group's role as its apps appear, which needs the
    /// master's UPDATE_FRAMEWORK).
    public var groupRoles: [String] = []
    /// How long the master keeps the framework's tasks while no Apps instance is
    /// subscribed, in seconds (`--failover_timeout`, a week).
    public var failoverTimeout = 604_800.0
    /// The Keeper session Apps contends with, in ms (`--zk_session_timeout`).
    public var zkSessionTimeout: Int64 = 10_000

    public init(zk: MasterURL, master: MasterURL) {
        self.zk = zk
        self.master = master
    }

    /// `host:port` of this instance's API as the others reach it (its election znode holds
    /// it): the hostname, which is the `--ip` unless given.
    public var address: String { "\(hostname):\(port)" }

    /// Where a browser or client reaches this instance.
    public var url: String { "\(tls == nil ? "http" : "https")://\(address)" }

    /// The FrameworkInfo Apps subscribes with; `id` is the one the master gave before.
    func frameworkInfo(id: String?) -> Mesos.FrameworkInfo {
        Mesos.FrameworkInfo(
            user: user, name: frameworkName, id: id.map { Mesos.FrameworkID(value: $0) },
            failoverTimeout: failoverTimeout, checkpoint: true, roles: Array(Set([role] + groupRoles)).sorted(),
            hostname: hostname, principal: credential?.principal,
            webuiUrl: url,
            capabilities: [.init(type: .partitionAware), .init(type: .multiRole)])
    }
}
