import AgentServer
import ArgumentParser
import ClusterEdge
import ClusterProtocol
import FoundationEssentials
import KeeperBench
import Logging

/// `corral agent --master zk://HOSTS/PATH|HOST:PORT --port 5051 --work-dir DIR …`: one
/// agent, advertising this machine (or `--resources`) and running tasks in containers.
struct AgentCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "agent", abstract: "Run a cluster agent that registers with the leading master and runs tasks.")

    @Option(help: "The leading master: zk://HOST:PORT[,…]/PATH, or HOST:PORT.")
    var master: String

    @Option(help: "The address to serve the agent API on.")
    var ip = "127.0.0.1"

    @Option(help: "The hostname to announce (default: the --ip).")
    var hostname: String?

    @Option(help: "The port of the agent API (executors connect to it).")
    var port = 5051

    @Option(help: "A directory for the sandboxes.")
    var workDir: String

    @Option(help: "What to offer, e.g. \"cpus:4;mem:4096;disk:10000;ports:[31000-32000]\" (default: this machine).")
    var resources: String?

    @Option(help: "Attributes, e.g. \"rack:a;zone:1\".")
    var attributes: String?

    @Option(help: "The cgroup directory (under each controller) for this agent's containers.")
    var cgroupRoot = "corral"

    @Option(
        help:
            "A file with the principal and secret this agent authenticates to the master with: {\"principal\": …, \"secret\": …} or 'principal secret' (Mesos' --credential)."
    )
    var credential: String?

    @Flag(
        inversion: .prefixedNo,
        help:
            "Run each task as the user it, its executor or its framework names (Mesos' --switch_user; the agent must run as root to switch)."
    )
    var switchUser = true

    @Flag(help: "Let tasks run as root; without it a task whose user is root fails to launch.")
    var allowRootTasks = false

    @Flag(
        help:
            "Custom executors must call the executor API with the token the agent gives them (MESOS_EXECUTOR_AUTHENTICATION_TOKEN), and only for themselves."
    )
    var authenticateHttpExecutors = false

    @Option(
        help: "A file with the key executors' tokens are signed with (default: one the agent keeps in its work dir).")
    var jwtSecretKey: String?

    @Option(
        help:
            "A file of principals and secrets that may call this agent's endpoints, in the format of the master's --credentials (Mesos' --http_credentials)."
    )
    var httpCredentials: String?

    @OptionGroup var realms: HTTPRealmFlags

    @Option(
        help:
            "Mesos' ACLs, as JSON or the path of a JSON file (the masters' file serves): view_frameworks, view_executors, view_tasks, view_containers, access_sandboxes, get_endpoints (/metrics), permissive."
    )
    var acls: String?

    @Option(help: "Container isolation: auto, cgroups-v1, cgroups-v2 or none (memory limits by polling RSS).")
    var isolation = "auto"

    @Option(help: "trace, debug, info, notice, warning, error or critical.", transform: LogSetup.level)
    var logLevel: Logger.Level = .info

    /// Who must authenticate to the agent's endpoints; the flags need the credentials.
    private func httpAuthentication() throws -> AgentAuthentication? {
        guard let httpCredentials else {
            if realms.any {
                throw ValidationError(
                    "--authenticate-http-readonly and --authenticate-http-readwrite need --http-credentials FILE, the principals that may call"
                )
            }
            return nil
        }
        var authentication = AgentAuthentication(
            credentials: try CredentialFile.read(httpCredentials, flag: "--http-credentials"))
        authentication.readonly = realms.authenticateHttpReadonly
        authentication.readwrite = realms.authenticateHttpReadwrite
        return authentication
    }

    func run() async throws {
        let logger = LogSetup.bootstrap(label: "agent", level: logLevel)
        let url: MasterURL
        do {
            url = try MasterURL(parsing: master)
        } catch {
            throw ValidationError("\(error)")
        }
        // Sandboxes are absolute paths: a relative --work-dir is taken from here.
        let workDir = workDir.hasPrefix("/") ? workDir : FileManager.default.currentDirectoryPath + "/" + workDir
        var options = AgentOptions(master: url, workDir: workDir)
        options.tls = ClusterTLS.process
        options.inheritedEnvironment = AgentOptions.inheritedEnvironment(from: ProcessInfo.processInfo.environment)
        options.credential = try credential.map { try CredentialFile.one($0, flag: "--credential") }
        options.ip = ip
        options.hostname = hostname ?? ip
        options.port = port
        options.resources = resources
        options.attributes = attributes
        options.cgroupRoot = cgroupRoot
        options.waitShimExecutable = RecoveryOptions.currentExecutable()
        guard let mode = ContainerIsolationMode(flag: isolation) else {
            throw ValidationError("--isolation takes auto, cgroups-v1, cgroups-v2 or none, not '\(isolation)'")
        }
        options.isolation = mode
        options.switchUser = switchUser
        options.rootTasksAllowed = allowRootTasks
        options.authenticateExecutors = authenticateHttpExecutors
        options.executorSecretKeyFile = jwtSecretKey
        options.authentication = try httpAuthentication()
        options.acls = try acls.map { try MesosACLs.parsing(flag: $0) } ?? MesosACLs()
        if let notice = options.acls.notEnforced(by: .agent) { logger.notice("\(notice)") }
        try makeDirectory(workDir)
        do {
            _ = try options.agentResources()
            _ = try options.agentAttributes()
        } catch {
            throw ValidationError("\(error)")
        }
        ParentWatch.startIfAsked(logger: logger)
        try await AgentDaemon(options: options, logger: logger).run()
    }
}
