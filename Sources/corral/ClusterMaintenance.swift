import ArgumentParser
import ClusterProtocol

/// `corral cluster drain|deactivate|reactivate|mark-gone AGENT --master URL`: Mesos'
/// DRAIN_AGENT, DEACTIVATE_AGENT, REACTIVATE_AGENT and MARK_AGENT_GONE. Each returns once
/// the leading master's registry holds the change.
extension ClusterCommand {
    struct Drain: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Stop offering an agent and kill its tasks (TASK_KILLED, REASON_AGENT_DRAINING).",
            discussion:
                "The agent is DRAINING until none of its tasks is left, then DRAINED; `corral cluster reactivate` offers it again."
        )
        @OptionGroup var target: ClusterCommand.Target
        @Argument(help: "The agent's id.") var agent: String
        @Option(
            help: "The longest each task may take to end once killed: 30s, 500ms, 2m (default: its own kill policy).")
        var grace: String?
        @Flag(help: "Mark the agent gone once it is drained.") var markGone = false

        func run() async throws {
            let grace = try self.grace.map(Self.milliseconds)
            let call = Mesos.OperatorCall.DrainAgent(
                agentID: Mesos.AgentID(value: agent),
                maxGracePeriod: grace.map { Mesos.DurationInfo(nanoseconds: $0 * 1_000_000) },
                markGone: markGone ? true : nil)
            try await target.perform(Mesos.OperatorCall(type: .drainAgent, drainAgent: call))
            Output.line("Agent \(agent) is draining\(markGone ? "; it will be marked gone once drained" : "")")
        }

        /// `30s`, `500ms`, `2m`, `1h`, or plain seconds, as milliseconds.
        static func milliseconds(_ text: String) throws -> Int64 {
            let units: [(String, Double)] = [("ms", 1), ("s", 1_000), ("m", 60_000), ("h", 3_600_000)]
            for (suffix, scale) in units where text.hasSuffix(suffix) {
                if let value = Double(text.dropLast(suffix.count)), value >= 0, value * scale <= 1e12 {
                    return Int64(value * scale)
                }
            }
            if let value = Double(text), value >= 0, value <= 1e9 { return Int64(value * 1_000) }
            throw ValidationError("--grace takes a duration such as 30s, 500ms or 2m, not '\(text)'")
        }
    }

    struct Deactivate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Stop offering an agent's resources; its tasks keep running.")
        @OptionGroup var target: ClusterCommand.Target
        @Argument(help: "The agent's id.") var agent: String

        func run() async throws { try await target.maintain(.deactivateAgent, agent, "is deactivated") }
    }

    struct Reactivate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Offer a deactivated or drained agent again.")
        @OptionGroup var target: ClusterCommand.Target
        @Argument(help: "The agent's id.") var agent: String

        func run() async throws { try await target.maintain(.reactivateAgent, agent, "is active again") }
    }

    struct MarkGone: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "mark-gone",
            abstract:
                "Declare an agent gone for good: its tasks are TASK_GONE_BY_OPERATOR, and it never registers again.")
        @OptionGroup var target: ClusterCommand.Target
        @Argument(help: "The agent's id.") var agent: String

        func run() async throws { try await target.maintain(.markAgentGone, agent, "is marked gone") }
    }
}

extension ClusterCommand.Target {
    /// DEACTIVATE_AGENT, REACTIVATE_AGENT or MARK_AGENT_GONE for `agent`, then `Agent ID done`.
    func maintain(_ type: Mesos.OperatorCall.Kind, _ agent: String, _ done: String) async throws {
        try await perform(.forAgent(type, Mesos.AgentID(value: agent)))
        Output.line("Agent \(agent) \(done)")
    }
}
