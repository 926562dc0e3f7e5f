extension AppDefinition {
    /// The longest time any setting may name, in seconds (a year): beyond it, the
    /// milliseconds the scheduler computes with could overflow.
    public static let secondsMax = 31_536_000
    /// The most instances an app may ask for.
    public static let instancesMax = 1_000_000
    /// A COMMAND check's timings: the agent (and Mesos' master) take a day at most.
    public static let agentCheckSecondsMax = 86_400

    /// What is wrong with this definition, in Marathon's terms (empty when it is valid).
    public var problems: [ValidationProblem] {
        idProblems + commandProblems + resourceProblems + schedulingProblems + portProblems + healthCheckProblems
            + boundProblems
    }

    /// Values past what the scheduler computes with safely.
    private var boundProblems: [ValidationProblem] {
        var seconds: [(String, Double)] = [
            ("/backoffSeconds", backoffSeconds), ("/maxLaunchDelaySeconds", maxLaunchDelaySeconds),
            ("/taskKillGracePeriodSeconds", Double(taskKillGracePeriodSeconds ?? 0)),
        ]
        if case .enabled(let inactive, let expunge) = unreachableStrategy {
            seconds += [
                ("/unreachableStrategy/inactiveAfterSeconds", Double(inactive)),
                ("/unreachableStrategy/expungeAfterSeconds", Double(expunge)),
            ]
        }
        for (index, check) in healthChecks.enumerated() {
            let path = "/healthChecks(\(index))/"
            seconds += [
                (path + "gracePeriodSeconds", Double(check.gracePeriodSeconds)),
                (path + "intervalSeconds", Double(check.intervalSeconds)),
                (path + "timeoutSeconds", Double(check.timeoutSeconds)),
                (path + "delaySeconds", Double(check.delaySeconds)),
            ]
        }
        var found = seconds.filter { $0.1 > Double(Self.secondsMax) }.map {
            ValidationProblem(path: $0.0, "got \($0.1), expected \(Self.secondsMax) or less")
        }
        if instances > Self.instancesMax {
            found.append(
                ValidationProblem(path: "/instances", "got \(instances), expected \(Self.instancesMax) or less"))
        }
        for (index, check) in healthChecks.enumerated() {
            if let port = check.port, !(0...65535).contains(port) {
                found.append(ValidationProblem(path: "/healthChecks(\(index))/port", "got \(port), expected 0...65535"))
            }
        }
        return found
    }

    private var idProblems: [ValidationProblem] {
        if id.isRoot { return [ValidationProblem(path: "/id", "Path must contain at least one path element")] }
        guard id.segments.allSatisfy(AppID.isValidSegment) else {
            return [ValidationProblem(path: "/id", "must fully match regular expression '\(AppID.segmentPattern)'")]
        }
        return []
    }

    private var commandProblems: [ValidationProblem] {
        switch (cmd, args) {
        case (nil, nil), (_?, _?):
            return [
                ValidationProblem(
                    path: "/", "AppDefinition must either contain one of 'cmd' or 'args', and/or a 'container'.")
            ]
        case (let cmd?, nil) where cmd.isEmpty: return [ValidationProblem(path: "/cmd", "must not be empty")]
        default: return []
        }
    }

    private var resourceProblems: [ValidationProblem] {
        var found: [ValidationProblem] = []
        if instances < 0 { found.append(ValidationProblem(path: "/instances", "got \(instances), expected 0 or more")) }
        for (path, value) in [("/cpus", cpus), ("/mem", mem), ("/disk", disk)] where !(value >= 0 && value.isFinite) {
            found.append(ValidationProblem(path: path, "got \(value), expected 0.0 or more"))
        }
        if gpus < 0 { found.append(ValidationProblem(path: "/gpus", "got \(gpus), expected 0 or more")) }
        if let role,
            role.isEmpty || role == "." || role == ".." || role.hasPrefix("-") || role.contains(where: \.isWhitespace)
        {
            found.append(ValidationProblem(path: "/role", "'\(role)' is not a valid role"))
        }
        if let roles = acceptedResourceRoles, roles.isEmpty || roles.contains(where: \.isEmpty) {
            found.append(ValidationProblem(path: "/acceptedResourceRoles", "must be a non-empty list of roles"))
        }
        return found
    }

    private var schedulingProblems: [ValidationProblem] {
        var found: [ValidationProblem] = []
        if !(backoffSeconds >= 0) {
            found.append(ValidationProblem(path: "/backoffSeconds", "got \(backoffSeconds), expected 0 or more"))
        }
        if !(backoffFactor >= 1) {
            found.append(ValidationProblem(path: "/backoffFactor", "got \(backoffFactor), expected 1.0 or more"))
        }
        if !(maxLaunchDelaySeconds >= 0) {
            found.append(
                ValidationProblem(path: "/maxLaunchDelaySeconds", "got \(maxLaunchDelaySeconds), expected 0 or more"))
        }
        let strategy = upgradeStrategy
        if !(0...1).contains(strategy.minimumHealthCapacity) {
            found.append(
                ValidationProblem(path: "/upgradeStrategy/minimumHealthCapacity", "is not between 0.0 and 1.0"))
        }
        if !(0...1).contains(strategy.maximumOverCapacity) {
            found.append(ValidationProblem(path: "/upgradeStrategy/maximumOverCapacity", "is not between 0.0 and 1.0"))
        }
        if case .enabled(let inactive, let expunge) = unreachableStrategy, inactive < 0 || expunge < inactive {
            found.append(
                ValidationProblem(
                    path: "/unreachableStrategy",
                    "inactiveAfterSeconds must be 0 or more and no more than expungeAfterSeconds"))
        }
        if let seconds = taskKillGracePeriodSeconds, seconds <= 0 {
            found.append(ValidationProblem(path: "/taskKillGracePeriodSeconds", "got \(seconds), expected 1 or more"))
        }
        return found
    }

    private var portProblems: [ValidationProblem] {
        var found: [ValidationProblem] = []
        for (index, definition) in portDefinitions.enumerated() where !(0...65535).contains(definition.port) {
            found.append(
                ValidationProblem(path: "/portDefinitions(\(index))/port", "got \(definition.port), expected 0...65535")
            )
        }
        let fixed = portDefinitions.map(\.port).filter { $0 != 0 }
        if Set(fixed).count != fixed.count {
            found.append(ValidationProblem(path: "/portDefinitions", "Ports must be unique."))
        }
        let names = portDefinitions.compactMap(\.name)
        if Set(names).count != names.count {
            found.append(ValidationProblem(path: "/portDefinitions", "Port names must be unique."))
        }
        if requirePorts, fixed.count != portDefinitions.count {
            found.append(ValidationProblem(path: "/requirePorts", "requirePorts needs every port to be fixed (not 0)"))
        }
        return found
    }

    private var healthCheckProblems: [ValidationProblem] {
        var found: [ValidationProblem] = []
        for (index, check) in healthChecks.enumerated() {
            let path = "/healthChecks(\(index))"
            if ![.http, .tcp, .command].contains(check.protocol) {
                found.append(
                    ValidationProblem(
                        path: path + "/protocol",
                        "\(check.protocol.rawValue) health checks are not supported yet: use HTTP, TCP or COMMAND"))
            }
            if check.protocol == .command, healthChecks[..<index].contains(where: { $0.protocol == .command }) {
                found.append(
                    ValidationProblem(
                        path: path, "An app may have one COMMAND health check: the agent runs one check per task"))
            }
            if check.protocol == .command, check.command == nil {
                found.append(ValidationProblem(path: path + "/command", "A COMMAND health check needs a command"))
            }
            if let index = check.effectivePortIndex, check.protocol != .command,
                !portDefinitions.indices.contains(index)
            {
                found.append(
                    ValidationProblem(
                        path: path,
                        "Health check port indices must address an element of the ports array or container port mappings."
                    ))
            }
            for (field, value, least) in [
                ("gracePeriodSeconds", check.gracePeriodSeconds, 0), ("intervalSeconds", check.intervalSeconds, 1),
                ("timeoutSeconds", check.timeoutSeconds, 1),
                ("maxConsecutiveFailures", check.maxConsecutiveFailures, 0),
            ] where value < least {
                found.append(ValidationProblem(path: path + "/" + field, "got \(value), expected \(least) or more"))
            }
            if check.timeoutSeconds >= check.intervalSeconds {
                found.append(ValidationProblem(path: path, "timeoutSeconds must be less than intervalSeconds"))
            }
            // The agent runs a COMMAND check, and the master takes its timings within a day.
            if check.protocol == .command {
                for (field, value) in [
                    ("gracePeriodSeconds", check.gracePeriodSeconds), ("intervalSeconds", check.intervalSeconds),
                    ("timeoutSeconds", check.timeoutSeconds), ("delaySeconds", check.delaySeconds),
                ] where !(0...Self.agentCheckSecondsMax).contains(value) {
                    found.append(
                        ValidationProblem(
                            path: path + "/" + field,
                            "got \(value), expected 0 to \(Self.agentCheckSecondsMax) for a COMMAND check (run by the agent)"
                        ))
                }
            }
        }
        return found
    }
}
