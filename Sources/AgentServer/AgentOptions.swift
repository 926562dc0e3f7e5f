import ClusterCore
import ClusterEdge
import ClusterProtocol
import Glibc

/// What `corral agent` is told, with Mesos' defaults; without `--resources` it advertises
/// this machine.
public struct AgentOptions: Sendable {
    public var master: MasterURL
    /// HTTPS on the port (Mesos' `LIBPROCESS_SSL_*`); nil serves plain HTTP.
    public var tls: ClusterTLS?
    /// The principal and secret the agent authenticates to the master with (Mesos'
    /// `--credential`); nil sends none.
    public var credential: Credential?
    public var ip = "127.0.0.1"
    public var hostname = "localhost"
    public var port = 5051
    public var workDir: String
    /// `--resources` text; nil for this machine's.
    public var resources: String?
    /// `--attributes "rack:a;zone:1"`.
    public var attributes: String?
    /// Name of the cgroup directory that holds this agent's containers.
    public var cgroupRoot = "corral"
    public var isolation = ContainerIsolationMode.automatic
    /// Mesos' `--switch_user`: tasks run as the user they, their executor or their
    /// framework name (the agent must be root to switch).
    public var switchUser = true
    /// Whether a task may run as root (`--allow-root-tasks`); never by default.
    public var rootTasksAllowed = false
    /// Mesos' `--authenticate_http_executors`: custom executors get tokens and must use them.
    public var authenticateExecutors = false
    /// Mesos' `--jwt_secret_key`: the file of the key tokens are signed with; without it the
    /// agent keeps one of its own in its work dir, so executors' tokens outlive a restart.
    public var executorSecretKeyFile: String?
    /// The agent's own `LIBPROCESS_SSL_*` variables, handed on to executors and command
    /// tasks (`AgentConfig.inheritedEnvironment`).
    public var inheritedEnvironment: [String: String] = [:]

    /// Of a process's environment, what executors inherit: the `LIBPROCESS_SSL_*`
    /// variables but the agent's own certificate and key, which are its alone (an executor
    /// of an agent that requires client certificates is given its own by its framework).
    public static func inheritedEnvironment(from environment: [String: String]) -> [String: String] {
        environment.filter {
            $0.key.hasPrefix("LIBPROCESS_SSL_") && $0.key != "LIBPROCESS_SSL_KEY_FILE"
                && $0.key != "LIBPROCESS_SSL_CERT_FILE"
        }
    }
    /// Mesos' `--http_credentials` with `--authenticate_http_readonly` and
    /// `--authenticate_http_readwrite`: who must authenticate to the agent's own endpoints.
    public var authentication: AgentAuthentication?
    /// Mesos' `--acls`: what each principal may see and read here (`AgentAccess`).
    public var acls = MesosACLs()
    /// The agent's own executable, run as each container's wait shim (`corral
    /// container-wait`); nil runs programs without it.
    public var waitShimExecutable: String?

    public init(master: MasterURL, workDir: String) {
        self.master = master
        self.workDir = workDir
    }

    /// The agent's resources: the flag's, or this machine's cores, memory (less 1 GiB,
    /// or half if smaller, for the system, as Mesos keeps), free disk of the work dir
    /// (less 5 GiB or half) and ports 31000-32000.
    public func agentResources() throws -> Resources {
        if let text = resources { return try Resources(parsing: text) }
        let cpus = max(1, sysconf(Int32(_SC_NPROCESSORS_ONLN)))
        let pages = Int64(sysconf(Int32(_SC_PHYS_PAGES)))
        let memoryMB = pages * Int64(sysconf(Int32(_SC_PAGESIZE))) / (1 << 20)
        var disk = statvfs()
        let diskMB = statvfs(workDir, &disk) == 0 ? Int64(disk.f_bavail) * Int64(disk.f_frsize) / (1 << 20) : 0
        return Resources([
            .scalar("cpus", Scalar(units: Int64(cpus))),
            .scalar("mem", Scalar(units: max(32, memoryMB - min(1024, memoryMB / 2)))),
            .scalar("disk", Scalar(units: max(0, diskMB - min(5120, diskMB / 2)))),
            .ranges("ports", [31000...32000]),
        ])
    }

    /// `name:value;…` as Mesos attributes: numbers as scalars, anything else as text.
    public func agentAttributes() throws -> [Mesos.Attribute] {
        guard let attributes, !attributes.isEmpty else { return [] }
        return try attributes.split(separator: ";").map { item in
            let parts = item.split(separator: ":", maxSplits: 1)
            guard parts.count == 2, !parts[0].isEmpty else {
                throw AgentOptionsError(message: "'\(item)' is not NAME:VALUE in --attributes")
            }
            let name = String(parts[0])
            if let number = Double(parts[1]) {
                return Mesos.Attribute(name: name, type: .scalar, scalar: Mesos.Value.Scalar(value: number))
            }
            return Mesos.Attribute(name: name, type: .text, text: Mesos.Value.Text(value: String(parts[1])))
        }
    }
}

public struct AgentOptionsError: Error, CustomStringConvertible {
    public var message: String

    public var description: String { message }
}
