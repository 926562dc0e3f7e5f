import ArgumentParser
import ClusterCore
import ClusterEdge
import ClusterProtocol
import Logging

/// `corral cluster status|agents|frameworks|tasks|roles --master URL [--json]`: the
/// leading master's view, as tables (or its operator API's JSON); `corral cluster
/// drain|deactivate|reactivate|mark-gone AGENT --master URL`: maintenance.
struct ClusterCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cluster", abstract: "Show the cluster as the leading master sees it, and maintain its agents.",
        subcommands: [
            Status.self, Agents.self, Frameworks.self, Tasks.self, Roles.self, Drain.self, Deactivate.self,
            Reactivate.self, MarkGone.self,
        ])

    struct Target: ParsableArguments {
        @Option(help: "The leading master: zk://HOST:PORT[,…]/PATH, or HOST:PORT (a standby redirects).")
        var master: String

        @Flag(help: "Print the operator API's JSON instead of a table.")
        var json = false

        @OptionGroup var authentication: PrincipalOptions

        func fetch(_ type: Mesos.OperatorCall.Kind) async throws -> (Mesos.OperatorResponse, [UInt8]) {
            let target = try await leader()
            do {
                return try await OperatorClient.call(type, at: target, credential: try authentication.credential)
            } catch {
                throw CommandFailure("\(error)")
            }
        }

        /// Sends a call that changes something; the master answers once its registry has it.
        func perform(_ call: Mesos.OperatorCall) async throws {
            let target = try await leader()
            do {
                try await OperatorClient.perform(call, at: target, credential: try authentication.credential)
            } catch {
                throw CommandFailure("\(error)")
            }
        }

        private func leader() async throws -> HostPort {
            let url: MasterURL
            do {
                url = try MasterURL(parsing: master)
            } catch {
                throw ValidationError("\(error)")
            }
            let logger = Logger(label: "cluster")
            var target: HostPort?
            for await leader in MasterDetector(url: url, logger: logger).leaders() {
                target = leader
                if leader != nil { break }
            }
            guard let target else { throw CommandFailure("no leading master at \(url)") }
            return target
        }

        /// Prints the JSON, or `table` of the decoded response.
        func show(_ type: Mesos.OperatorCall.Kind, _ table: (Mesos.OperatorResponse) -> TextTable) async throws {
            let (response, body) = try await fetch(type)
            Output.line(json ? String(decoding: body, as: UTF8.self) : table(response).rendered)
        }
    }

    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Resources used and total, agents, frameworks, tasks by state.")
        @OptionGroup var target: Target

        func run() async throws {
            try await target.show(.getState) { response in ClusterTables.status(response.getState ?? .init()) }
        }
    }

    struct Agents: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Each agent with its resources used and total.")
        @OptionGroup var target: Target

        func run() async throws {
            try await target.show(.getAgents) { ClusterTables.agents($0.getAgents ?? .init()) }
        }
    }

    struct Frameworks: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Each framework with its tasks and dominant share.")
        @OptionGroup var target: Target

        func run() async throws {
            try await target.show(.getState) { ClusterTables.frameworks($0.getState ?? .init()) }
        }
    }

    struct Tasks: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Each task with its state and agent.")
        @OptionGroup var target: Target

        func run() async throws {
            try await target.show(.getTasks) { ClusterTables.tasks($0.getTasks ?? .init()) }
        }
    }

    struct Roles: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Each role with its weight, frameworks and share.")
        @OptionGroup var target: Target

        func run() async throws {
            let (agents, _) = try await target.fetch(.getAgents)
            try await target.show(.getRoles) {
                ClusterTables.roles($0.getRoles ?? .init(), agents: agents.getAgents ?? .init())
            }
        }
    }
}
