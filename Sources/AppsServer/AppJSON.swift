import AppsCore
import ClusterEdge
import UTCTime

/// An app as Marathon 1.x writes it (`GET /v2/apps/{id}`, the versions, the queue, and
/// Apps' own store): empty optional lists and maps left out, as Marathon 1.5+ does, and
/// only fields the marathon client knows.
enum AppJSON {
    static func definition(_ app: AppDefinition) -> [(String, JSONValue)] {
        var members: [(String, JSONValue)] = [("id", .string(app.id.description))]
        if let cmd = app.cmd { members.append(("cmd", .string(cmd))) }
        if let args = app.args { members.append(("args", .array(args.map { .string($0) }))) }
        if let user = app.user { members.append(("user", .string(user))) }
        if !app.env.isEmpty { members.append(("env", map(app.env))) }
        members += [
            ("instances", .int(Int64(app.instances))), ("cpus", .double(app.cpus)), ("mem", .double(app.mem)),
            ("disk", .double(app.disk)), ("gpus", .int(Int64(app.gpus))), ("executor", .string(app.executor)),
        ]
        if !app.constraints.isEmpty {
            members.append(("constraints", .array(app.constraints.map { .array($0.tokens.map { .string($0) }) })))
        }
        if !app.fetch.isEmpty { members.append(("fetch", .array(app.fetch.map(fetch)))) }
        members += [
            ("backoffSeconds", .double(app.backoffSeconds)), ("backoffFactor", .double(app.backoffFactor)),
            ("maxLaunchDelaySeconds", .double(app.maxLaunchDelaySeconds)),
        ]
        if !app.healthChecks.isEmpty { members.append(("healthChecks", .array(app.healthChecks.map(healthCheck)))) }
        if !app.dependencies.isEmpty {
            members.append(("dependencies", .array(app.dependencies.map { .string($0.description) })))
        }
        members += [
            (
                "upgradeStrategy",
                .object([
                    ("minimumHealthCapacity", .double(app.upgradeStrategy.minimumHealthCapacity)),
                    ("maximumOverCapacity", .double(app.upgradeStrategy.maximumOverCapacity)),
                ])
            ),
            ("unreachableStrategy", unreachable(app.unreachableStrategy)),
            ("killSelection", .string(app.killSelection.rawValue)),
            ("labels", map(app.labels)),
        ]
        if let roles = app.acceptedResourceRoles {
            members.append(("acceptedResourceRoles", .array(roles.map { .string($0) })))
        }
        if let role = app.role { members.append(("role", .string(role))) }
        if let seconds = app.taskKillGracePeriodSeconds {
            members.append(("taskKillGracePeriodSeconds", .int(Int64(seconds))))
        }
        members += [
            ("portDefinitions", .array(app.portDefinitions.map(portDefinition))),
            ("requirePorts", .bool(app.requirePorts)),
            ("networks", .array([.object([("mode", "host")])])),
            ("version", .string(Timestamp.format(app.version))),
            (
                "versionInfo",
                .object([
                    ("lastScalingAt", .string(Timestamp.format(app.lastScalingAt))),
                    ("lastConfigChangeAt", .string(Timestamp.format(app.lastConfigChangeAt))),
                ])
            ),
        ]
        return members
    }

    static func healthCheck(_ check: HealthCheck) -> JSONValue {
        var members: [(String, JSONValue)] = [("protocol", .string(check.protocol.rawValue))]
        if let command = check.command { members.append(("command", .object([("value", .string(command))]))) }
        if check.protocol == .http || check.protocol == .https {
            members.append(("path", .string(check.path ?? "/")))
            members.append(("ignoreHttp1xx", .bool(check.ignoreHttp1xx)))
        }
        if let port = check.port {
            members.append(("port", .int(Int64(port))))
        } else if check.protocol != .command, let index = check.effectivePortIndex {
            members.append(("portIndex", .int(Int64(index))))
        }
        members += [
            ("gracePeriodSeconds", .int(Int64(check.gracePeriodSeconds))),
            ("intervalSeconds", .int(Int64(check.intervalSeconds))),
            ("timeoutSeconds", .int(Int64(check.timeoutSeconds))),
            ("maxConsecutiveFailures", .int(Int64(check.maxConsecutiveFailures))),
            ("delaySeconds", .int(Int64(check.delaySeconds))),
        ]
        return .object(members)
    }

    private static func portDefinition(_ definition: PortDefinition) -> JSONValue {
        var members: [(String, JSONValue)] = [("port", .int(Int64(definition.port)))]
        if let name = definition.name { members.append(("name", .string(name))) }
        members.append(("protocol", .string(definition.protocol)))
        if !definition.labels.isEmpty { members.append(("labels", map(definition.labels))) }
        return .object(members)
    }

    private static func fetch(_ uri: FetchURI) -> JSONValue {
        var members: [(String, JSONValue)] = [
            ("uri", .string(uri.uri)), ("extract", .bool(uri.extract)), ("executable", .bool(uri.executable)),
            ("cache", .bool(uri.cache)),
        ]
        if let file = uri.outputFile { members.append(("outputFile", .string(file))) }
        return .object(members)
    }

    private static func unreachable(_ strategy: UnreachableStrategy) -> JSONValue {
        switch strategy {
        case .disabled: return "disabled"
        case .enabled(let inactive, let expunge):
            return .object([
                ("inactiveAfterSeconds", .int(Int64(inactive))), ("expungeAfterSeconds", .int(Int64(expunge))),
            ])
        }
    }

    static func map(_ values: [String: String]) -> JSONValue {
        .object(values.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) })
    }
}
