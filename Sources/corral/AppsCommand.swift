import AppsServer
import ArgumentParser
import ClusterEdge
import FoundationEssentials
import Logging

/// `corral apps --zk zk://HOSTS/PATH --master zk://HOSTS/PATH [--port 8080]`: one Apps
/// instance (Marathon-style long-running services); the instances of one PATH elect a
/// leader and the others forward to it. `corral apps list|show|deploy|scale|restart|
/// delete|tasks|events --apps URL`: its REST API from the command line.
struct AppsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "apps", abstract: "Run Apps (Marathon-style long-running services), or drive it.",
        subcommands: [
            Serve.self, AppsList.self, AppsShow.self, AppsDeploy.self, AppsScale.self, AppsRestart.self,
            AppsDelete.self, AppsTasks.self, AppsEvents.self,
        ],
        defaultSubcommand: Serve.self)

    struct Serve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run one Apps instance: the REST API, and while it leads, the scheduler.")

        @Option(help: "Where Apps keeps its state and elects its leader: zk://HOST:PORT[,HOST:PORT…]/PATH.")
        var zk: String

        @Option(help: "The masters: zk://HOST:PORT[,…]/PATH, or HOST:PORT.")
        var master: String

        @Option(help: "The address to serve on and announce.")
        var ip = "127.0.0.1"

        @Option(help: "The hostname to announce (default: the --ip).")
        var hostname: String?

        @Option(help: "The port of the REST API.")
        var port = 8080

        @Option(help: "The framework's name at the master.")
        var frameworkName = "corral-apps"

        @Option(help: "The user tasks run as unless an app names one (Marathon's --mesos_user).")
        var mesosUser = ExecuteCommand.userName()

        @Option(help: "The framework's role (Marathon's --mesos_role).")
        var mesosRole = "*"

        @Option(
            help:
                "The principal Apps authenticates to the master as, and names in its FrameworkInfo (Marathon's --mesos_authentication_principal)."
        )
        var mesosAuthenticationPrincipal: String?

        @Option(
            help: "A file holding that principal's secret (Marathon's --mesos_authentication_secret_file).")
        var mesosAuthenticationSecretFile: String?

        @Option(
            help:
                "More roles to subscribe with, comma-separated: an app of the top-level group /NAME may run as role NAME when NAME is one of them."
        )
        var roles: String?

        @Option(
            help:
                "USER:PASSWORD: the REST API asks for HTTP Basic credentials, and this user may do everything (Marathon's --http_credentials)."
        )
        var httpCredentials: String?

        @Option(
            help:
                "A JSON file of users, their passwords and roles, each allowed create, update, delete or view under app paths; the REST API asks for credentials (see docs/apps.md)."
        )
        var httpUsers: String?

        @Option(help: "The realm of the REST API's HTTP Basic challenge (Marathon's --http_realm).")
        var httpRealm = "Mesosphere"

        @Option(help: "Seconds the master keeps the tasks while no Apps instance is subscribed.")
        var failoverTimeout: Double = 604_800

        @Option(help: "Seconds of the Keeper session Apps contends with.")
        var zkSessionTimeout: Double = 10

        @Option(
            help:
                "Seconds between a standby's checks that the leader's process still listens; three refusals in a row and the standby removes the dead leader's znode. 0: wait for its session to expire."
        )
        var leaderProbeInterval: Double = 0.1

        @Option(help: "trace, debug, info, notice, warning, error or critical.", transform: LogSetup.level)
        var logLevel: Logger.Level = .info

        /// The principal and the secret read from its file (trailing newlines dropped).
        private func credential() throws -> Credential? {
            switch (mesosAuthenticationPrincipal, mesosAuthenticationSecretFile) {
            case (nil, nil): return nil
            case (let principal?, let path?):
                guard let data = FileManager.default.contents(atPath: path) else {
                    throw ValidationError("--mesos-authentication-secret-file: cannot read \(path)")
                }
                var secret = String(decoding: data, as: UTF8.self)
                while secret.last?.isNewline == true { secret.removeLast() }
                guard !secret.isEmpty else {
                    throw ValidationError("--mesos-authentication-secret-file: \(path) is empty")
                }
                return Credential(principal: principal, secret: secret)
            default:
                throw ValidationError(
                    "--mesos-authentication-principal and --mesos-authentication-secret-file go together")
            }
        }

        /// The REST API's users, when `--http-credentials` or `--http-users` names any.
        private func authentication() throws -> AppsAuthentication? {
            guard httpCredentials != nil || httpUsers != nil else { return nil }
            do {
                var users = try httpUsers.map { try AppsUsersFile.read($0) } ?? []
                if let httpCredentials { users.append(try AppsUsersFile.credentials(httpCredentials)) }
                try AppsUsersFile.check(users)
                return AppsAuthentication(users: users, realm: httpRealm)
            } catch {
                throw ValidationError("\(error)")
            }
        }

        func run() async throws {
            let logger = LogSetup.bootstrap(label: "apps", level: logLevel)
            var settings: AppsSettings
            do {
                let zk = try MasterURL(parsing: zk)
                guard case .keeper = zk else { throw ValidationError("--zk takes zk://HOSTS/PATH, not '\(self.zk)'") }
                settings = AppsSettings(zk: zk, master: try MasterURL(parsing: master))
            } catch let error as MasterURLError {
                throw ValidationError("\(error)")
            }
            guard failoverTimeout >= 0, failoverTimeout <= 365 * 86_400, zkSessionTimeout >= 1,
                zkSessionTimeout <= 3600,
                leaderProbeInterval >= 0, leaderProbeInterval <= 60
            else {
                throw ValidationError(
                    "--failover-timeout takes 0 to 31536000 seconds, --zk-session-timeout 1 to 3600, --leader-probe-interval 0 to 60"
                )
            }
            guard hostname != nil || (ip != "0.0.0.0" && ip != "::") else {
                throw ValidationError(
                    "--ip \(ip) listens everywhere; give --hostname, the name other instances reach this one by")
            }
            settings.tls = ClusterTLS.process
            settings.credential = try credential()
            settings.authentication = try authentication()
            settings.ip = ip
            settings.hostname = hostname ?? ip
            settings.port = port
            settings.frameworkName = frameworkName
            settings.user = mesosUser
            settings.role = mesosRole
            settings.groupRoles = (roles ?? "").split(separator: ",").map { String($0) }.filter { !$0.isEmpty }
            settings.failoverTimeout = failoverTimeout
            settings.zkSessionTimeout = Int64(zkSessionTimeout * 1000)
            var daemon = AppsDaemon(settings: settings, logger: logger)
            daemon.leaderProbeInterval =
                leaderProbeInterval > 0 ? .milliseconds(Int64(leaderProbeInterval * 1000)) : nil
            ParentWatch.startIfAsked(logger: logger)
            try await daemon.run()
        }
    }
}
