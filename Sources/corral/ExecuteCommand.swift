import ArgumentParser
import ClusterCore
import ClusterEdge
import ClusterProtocol
import Logging

#if canImport(Glibc)
    import Glibc
#endif

/// `corral execute --master URL --name NAME --command "…"`: a one-shot framework like
/// mesos-execute. It launches the task (or `--count` copies) on the first offers that
/// hold its resources, prints every status update, and exits with the task's exit status
/// (the highest of them with `--count`; 1 for a task that failed without one).
struct ExecuteCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "execute", abstract: "Run a command as a task on the cluster and wait for it to end.")

    @Option(help: "The leading master: zk://HOST:PORT[,…]/PATH, or HOST:PORT.")
    var master: String

    @Option(help: "The task's name (and id).")
    var name: String

    @Option(help: "The shell command to run.")
    var command: String

    @Option(help: "What the task needs.")
    var resources = "cpus:1;mem:128"

    @Option(parsing: .singleValue, help: "An environment variable for the task, NAME=VALUE (repeatable).")
    var env: [String] = []

    @Option(help: "How many copies to run (ids NAME-0, NAME-1, …).")
    var count = 1

    @Option(help: "The role to run in.")
    var role = "*"

    @Flag(
        help: "Let the task outlive a restart of its agent (FrameworkInfo.checkpoint, as mesos-execute's --checkpoint)."
    )
    var checkpoint = false

    @OptionGroup var authentication: PrincipalOptions

    @Option(help: "trace, debug, info, notice, warning, error or critical.", transform: LogSetup.level)
    var logLevel: Logger.Level = .warning

    func validate() throws {
        guard count >= 1 else { throw ValidationError("--count must be at least 1") }
        for item in env where !item.contains("=") { throw ValidationError("--env takes NAME=VALUE, not '\(item)'") }
        do {
            _ = try Resources(parsing: resources)
        } catch {
            throw ValidationError("--resources: \(error)")
        }
    }

    func run() async throws {
        let logger = LogSetup.bootstrap(label: "execute", level: logLevel)
        let url: MasterURL
        do {
            url = try MasterURL(parsing: master)
        } catch {
            throw ValidationError("\(error)")
        }
        let run = ExecuteRun(
            name: name, command: command, needs: try Resources(parsing: resources), environment: env, count: count)
        let credential = try authentication.credential
        let session = SchedulerSession(master: url, credential: credential, logger: logger)
        var info = Mesos.FrameworkInfo(user: Self.userName(), name: "corral-execute instance")
        info.principal = credential?.principal
        info.role = role
        info.failoverTimeout = 0
        info.checkpoint = checkpoint
        info.capabilities = [.init(type: .partitionAware)]
        try await session.subscribe(info) { event in try await run.handle(event, session: session) }
        let status = run.exitStatus
        if status != 0 { throw ExitCode(status) }
    }

    static func userName() -> String {
        if let pw = getpwuid(geteuid()), let name = pw.pointee.pw_name { return String(cString: name) }
        return "root"
    }
}
