import ArgumentParser
import ClusterCore
import ClusterEdge
import ClusterProtocol
import Logging
import MasterCore
import MasterServer

/// `corral master --zk zk://HOSTS/PATH --port 5050 --work-dir DIR …`: one master; the
/// masters of one PATH elect a leader through Keeper, the others stand by.
struct MasterCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "master", abstract: "Run a cluster master (Mesos-style), electing a leader through Keeper.")

    @Option(
        help: "The masters' election in Keeper: zk://HOST:PORT[,HOST:PORT…]/PATH. Without it this master leads alone.")
    var zk: String?

    @Option(help: "The address to serve on and announce.")
    var ip = "127.0.0.1"

    @Option(help: "The hostname to announce (default: the --ip).")
    var hostname: String?

    @Option(help: "The port of the HTTP API.")
    var port = 5050

    @Option(help: "A directory for the master's files.")
    var workDir: String

    @Option(
        help: "How many masters make a quorum (Mesos' flag; Corral's state lives in Keeper, so it is only checked).")
    var quorum: Int?

    @Option(help: "The allocation policy: drf (weighted dominant resource fairness) or priority (strict, by --roles).")
    var allocator = "drf"

    @Option(help: "Roles, comma-separated; for --allocator priority, highest first.")
    var roles: String?

    @Option(help: "Role weights, role=weight,… (e.g. prod=3,dev=1).")
    var weights: String?

    @Option(help: "Seconds between allocation rounds.")
    var allocationInterval: Double = 1

    @Option(help: "Seconds after which an unanswered offer is rescinded (default: never).")
    var offerTimeout: Double?

    @Option(
        help:
            "Seconds a new leader waits for the agents of the registry to register again before marking them unreachable (Mesos' --agent_reregister_timeout)."
    )
    var agentReregisterTimeout: Double = 600

    @Option(
        help:
            "Seconds the registry keeps an agent that is unreachable or gone; an agent pruned registers again only as a new agent (Mesos' --registry_max_agent_age, two weeks)."
    )
    var registryMaxAgentAge: Double = 14 * 24 * 3600

    @Option(
        help:
            "Unreachable and gone agents the registry keeps at most, the oldest pruned first (Mesos' --registry_max_agent_count)."
    )
    var registryMaxAgentCount = 100 * 1024

    @Option(
        help:
            "Seconds between PINGs to each agent, and for each PONG to come back (Mesos' --agent_ping_timeout)."
    )
    var agentPingTimeout: Double = 15

    @Option(
        help:
            "Unanswered pings after which an agent is marked unreachable: its tasks become TASK_UNREACHABLE, or TASK_LOST for frameworks that are not partition-aware (Mesos' --max_agent_ping_timeouts)."
    )
    var maxAgentPingTimeouts: Int = 5

    @Option(help: "Seconds of the Keeper session the master contends with (Mesos' --zk_session_timeout).")
    var zkSessionTimeout: Double = 10

    @Option(
        help:
            "Seconds between a standby's checks that the leader's process still listens; once it was seen listening, three refusals in a row make the standby remove the dead leader's znode so the election goes on at once. 0: wait for the dead leader's Keeper session to expire."
    )
    var leaderProbeInterval: Double = 0.1

    @Option(
        help:
            "Mesos' credentials file: {\"credentials\": [{\"principal\": …, \"secret\": …}]} (or 'principal secret' lines), for the --authenticate-* flags."
    )
    var credentials: String?

    @Option(
        help:
            "Mesos' ACLs, as JSON or the path of a JSON file: register_frameworks, run_tasks, teardown_frameworks, view_frameworks, view_tasks, get_endpoints, mark_agents_gone, drain_agents, deactivate_agents, reactivate_agents, update_znodes, permissive (the agents' view_executors, view_containers and access_sandboxes are taken and left to them)."
    )
    var acls: String?

    @Flag(help: "Schedulers must authenticate (HTTP Basic) and subscribe as the principal they authenticated as.")
    var authenticateFrameworks = false

    @Flag(help: "Agents must authenticate (HTTP Basic, the agent's --credential) to register and send updates.")
    var authenticateAgents = false

    @OptionGroup var realms: HTTPRealmFlags

    @Option(help: "trace, debug, info, notice, warning, error or critical.", transform: LogSetup.level)
    var logLevel: Logger.Level = .info

    /// The --credentials and --authenticate-* flags; nil when none is given.
    private func authentication() throws -> MasterAuthentication? {
        let flags = [authenticateFrameworks, authenticateAgents, realms.any]
        guard let credentials else {
            if flags.contains(true) {
                throw ValidationError(
                    "the --authenticate-* flags need --credentials, the file of principals and secrets")
            }
            return nil
        }
        var policy = MasterAuthentication(credentials: try CredentialFile.read(credentials, flag: "--credentials"))
        policy.frameworks = authenticateFrameworks
        policy.agents = authenticateAgents
        policy.readonly = realms.authenticateHttpReadonly
        policy.readwrite = realms.authenticateHttpReadwrite
        return policy
    }

    func run() async throws {
        let logger = LogSetup.bootstrap(label: "master", level: logLevel)
        var options = MasterOptions(workDir: workDir)
        options.tls = ClusterTLS.process
        options.authentication = try authentication()
        options.acls = try acls.map { try MesosACLs.parsing(flag: $0) } ?? MesosACLs()
        if let notice = options.acls.notEnforced(by: .master) { logger.notice("\(notice)") }
        do {
            options.zk = try zk.map { try MasterURL(parsing: $0) }
        } catch {
            throw ValidationError("\(error)")
        }
        if case .direct = options.zk { throw ValidationError("--zk takes zk://HOSTS/PATH") }
        options.ip = ip
        options.hostname = hostname ?? ip
        options.port = port
        options.quorum = quorum
        guard let choice = MasterOptions.AllocatorChoice(rawValue: allocator) else {
            throw ValidationError("--allocator takes drf or priority, not '\(allocator)'")
        }
        options.allocator = choice
        options.roles = roles.map { $0.split(separator: ",").map(String.init) } ?? []
        options.weights = try Self.parseWeights(weights)
        options.allocationInterval = Int64(allocationInterval * 1000)
        options.offerTimeout = offerTimeout.map { Int64($0 * 1000) }
        options.zkSessionTimeout = Int64(zkSessionTimeout * 1000)
        options.agentReregisterTimeout = Int64(agentReregisterTimeout * 1000)
        guard registryMaxAgentAge >= 1, registryMaxAgentAge <= 100 * 365 * 86_400, registryMaxAgentCount >= 0 else {
            throw ValidationError(
                "--registry-max-agent-age takes 1 second to 100 years, and --registry-max-agent-count at least 0")
        }
        options.registryMaxAgentAge = Int64(registryMaxAgentAge * 1000)
        options.registryMaxAgentCount = registryMaxAgentCount
        guard agentPingTimeout >= 0.001, agentPingTimeout <= 86_400 else {
            throw ValidationError("--agent-ping-timeout takes seconds between 0.001 and 86400, not \(agentPingTimeout)")
        }
        guard maxAgentPingTimeouts >= 1, maxAgentPingTimeouts <= 1_000 else {
            throw ValidationError("--max-agent-ping-timeouts takes 1 to 1000, not \(maxAgentPingTimeouts)")
        }
        options.agentPingInterval = Int64(agentPingTimeout * 1000)
        options.maxAgentPingTimeouts = Int64(maxAgentPingTimeouts)
        options.leaderProbeInterval = leaderProbeInterval > 0 ? Int64(leaderProbeInterval * 1000) : nil
        try makeDirectory(workDir)
        ParentWatch.startIfAsked(logger: logger)
        try await MasterDaemon(options: options, logger: logger).run()
    }

    static func parseWeights(_ text: String?) throws -> [String: Weight] {
        guard let text, !text.isEmpty else { return [:] }
        var weights: [String: Weight] = [:]
        for item in text.split(separator: ",") {
            let parts = item.split(separator: "=")
            guard parts.count == 2, let value = Double(parts[1]), let weight = Weight(value), value > 0 else {
                throw ValidationError("'\(item)' in --weights is not ROLE=WEIGHT with a positive weight")
            }
            weights[String(parts[0])] = weight
        }
        return weights
    }
}
