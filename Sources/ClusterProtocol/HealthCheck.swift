extension Mesos {
    /// A task's health check, run next to the task (Mesos' `HealthCheck`). The agent runs
    /// COMMAND checks: the command in the task's sandbox and environment, healthy on exit
    /// status 0. Left out: `http`, `tcp` (refused by the master's validation).
    public struct HealthCheck: Codable, Hashable, Sendable {
        public var type: Kind?
        public var command: CommandInfo?
        /// Seconds after the task starts before the first check (default 15).
        public var delaySeconds: Double?
        /// Seconds between checks (default 10).
        public var intervalSeconds: Double?
        /// Seconds a check may take before it counts as failed (default 20).
        public var timeoutSeconds: Double?
        /// Failures in a row after which the task is killed (default 3).
        public var consecutiveFailures: UInt32?
        /// Seconds after the task starts in which failures do not count until the first
        /// success (default 10).
        public var gracePeriodSeconds: Double?

        public init(
            type: Kind? = nil, command: CommandInfo? = nil, delaySeconds: Double? = nil, intervalSeconds: Double? = nil,
            timeoutSeconds: Double? = nil, consecutiveFailures: UInt32? = nil, gracePeriodSeconds: Double? = nil
        ) {
            self.type = type
            self.command = command
            self.delaySeconds = delaySeconds
            self.intervalSeconds = intervalSeconds
            self.timeoutSeconds = timeoutSeconds
            self.consecutiveFailures = consecutiveFailures
            self.gracePeriodSeconds = gracePeriodSeconds
        }

        enum CodingKeys: String, CodingKey {
            case type
            case command
            case delaySeconds = "delay_seconds"
            case intervalSeconds = "interval_seconds"
            case timeoutSeconds = "timeout_seconds"
            case consecutiveFailures = "consecutive_failures"
            case gracePeriodSeconds = "grace_period_seconds"
        }

        public enum Kind: String, ProtoEnum {
            case unknown = "UNKNOWN"
            case command = "COMMAND"
            case http = "HTTP"
            case tcp = "TCP"
        }

        /// The settings with Mesos' defaults filled in, in milliseconds.
        public var delay: Int64 { Self.milliseconds(delaySeconds ?? 15) }
        public var interval: Int64 { Self.milliseconds(intervalSeconds ?? 10) }
        public var timeout: Int64 { Self.milliseconds(timeoutSeconds ?? 20) }
        public var gracePeriod: Int64 { Self.milliseconds(gracePeriodSeconds ?? 10) }
        public var failuresToKill: Int { Int(consecutiveFailures ?? 3) }

        /// Seconds as milliseconds, within a day and never negative (the values come from
        /// frameworks; the master's validation refuses the rest).
        private static func milliseconds(_ seconds: Double) -> Int64 {
            guard seconds.isFinite, seconds > 0 else { return 0 }
            return Int64(min(seconds, 86_400) * 1000)
        }
    }
}
