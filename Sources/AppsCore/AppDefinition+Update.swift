extension AppDefinition {
    /// This definition with what `update` sets; the problems found turning the update's
    /// JSON into values (an unknown constraint operator, both `ports` and
    /// `portDefinitions`, a container with an image). `problems` checks the rest.
    public func applying(_ update: AppUpdate) -> (AppDefinition, [ValidationProblem]) {
        var app = self
        var found: [ValidationProblem] = []
        app.applyCommand(update)
        app.applyResources(update)
        app.applyScheduling(update)
        found += app.applyConstraints(update.constraints)
        found += app.applyPorts(update)
        if update.container?.needsImage == true {
            found.append(
                ValidationProblem(
                    path: "/container",
                    "Apps runs commands without a container image: use no container, or a MESOS container without an image"
                ))
        }
        return (app, found)
    }

    private mutating func applyCommand(_ update: AppUpdate) {
        if let cmd = update.cmd { self.cmd = cmd }
        if let args = update.args { self.args = args }
        if let user = update.user { self.user = user }
        if let env = update.env { self.env = env }
        if let executor = update.executor { self.executor = executor }
        if let fetch = update.fetch { self.fetch = fetch }
        if let uris = update.uris, update.fetch == nil { fetch = uris.map(FetchURI.init(uri:)) }
        if let labels = update.labels { self.labels = labels }
        if let seconds = update.taskKillGracePeriodSeconds { taskKillGracePeriodSeconds = seconds }
        if let dependencies = update.dependencies {
            self.dependencies = dependencies.map { AppID($0, relativeTo: id.parent) }
        }
    }

    private mutating func applyResources(_ update: AppUpdate) {
        if let instances = update.instances { self.instances = instances }
        if let cpus = update.cpus { self.cpus = cpus }
        if let mem = update.mem { self.mem = mem }
        if let disk = update.disk { self.disk = disk }
        if let gpus = update.gpus { self.gpus = gpus }
        if let roles = update.acceptedResourceRoles { acceptedResourceRoles = roles }
        if let role = update.role { self.role = role }
    }

    private mutating func applyScheduling(_ update: AppUpdate) {
        if let seconds = update.backoffSeconds { backoffSeconds = seconds }
        if let factor = update.backoffFactor { backoffFactor = factor }
        if let seconds = update.maxLaunchDelaySeconds { maxLaunchDelaySeconds = seconds }
        if let checks = update.healthChecks { healthChecks = checks.map(\.normalized) }
        if let strategy = update.upgradeStrategy { upgradeStrategy = strategy }
        if let strategy = update.unreachableStrategy { unreachableStrategy = strategy }
        if let selection = update.killSelection { killSelection = selection }
    }

    private mutating func applyConstraints(_ tokens: [[Scalarish]]?) -> [ValidationProblem] {
        guard let tokens else { return [] }
        var parsed: [Constraint] = []
        var found: [ValidationProblem] = []
        for (index, constraint) in tokens.enumerated() {
            switch Constraint.parse(constraint.map(\.text)) {
            case .success(let constraint): parsed.append(constraint)
            case .failure(let problem): found.append(ValidationProblem(path: "/constraints(\(index))", problem.message))
            }
        }
        constraints = parsed
        return found
    }

    private mutating func applyPorts(_ update: AppUpdate) -> [ValidationProblem] {
        if update.ports != nil, update.portDefinitions != nil {
            return [ValidationProblem(path: "/", "You cannot specify both ports and port definitions")]
        }
        if let ports = update.ports { portDefinitions = ports.map { PortDefinition(port: $0) } }
        if let definitions = update.portDefinitions { portDefinitions = definitions }
        if let require = update.requirePorts { requirePorts = require }
        return []
    }
}
