/// An app as Marathon 1.x defines it: what to run, how many instances, where, and how to
/// replace and check them. Values are the user's, with Marathon's defaults for what the
/// user left out; `AppDefinition.problems` says what is invalid.
///
/// Departures from Marathon: no containers with images, volumes, secrets, pods or
/// residency (`container` must be absent, null or a MESOS container without an image).
public struct AppDefinition: Sendable, Equatable {
    public var id: AppID
    public var cmd: String?
    public var args: [String]?
    public var user: String?
    public var env: [String: String] = [:]
    public var instances = 1
    public var cpus = 1.0
    public var mem = 128.0
    public var disk = 0.0
    public var gpus = 0
    public var executor = ""
    public var constraints: [Constraint] = []
    public var fetch: [FetchURI] = []
    public var portDefinitions: [PortDefinition] = [PortDefinition(port: 0, name: "default")]
    public var requirePorts = false
    public var backoffSeconds = 1.0
    public var backoffFactor = 1.15
    public var maxLaunchDelaySeconds = 300.0
    public var healthChecks: [HealthCheck] = []
    public var dependencies: [AppID] = []
    public var upgradeStrategy = UpgradeStrategy()
    public var unreachableStrategy = UnreachableStrategy.standard
    public var killSelection = KillSelection.youngestFirst
    public var labels: [String: String] = [:]
    /// Roles whose resources the app's tasks may use; nil: the app's role only.
    public var acceptedResourceRoles: [String]?
    /// The role its tasks are launched under; nil: the framework's role.
    public var role: String?
    public var taskKillGracePeriodSeconds: Int?
    /// This version's timestamp: milliseconds since the Unix epoch.
    public var version: Int64 = 0
    /// When the definition last changed other than in `instances`.
    public var lastConfigChangeAt: Int64 = 0
    /// When `instances` last changed.
    public var lastScalingAt: Int64 = 0

    public init(id: AppID) { self.id = id }

    /// True when `other` differs from this definition in more than its number of
    /// instances (and version stamps): its tasks must be replaced to follow it.
    public func differsInConfig(from other: AppDefinition) -> Bool {
        configOnly != other.configOnly
    }

    /// This definition without what changes in a scale: instances and version stamps.
    private var configOnly: AppDefinition {
        var app = self
        app.instances = 0
        app.version = 0
        app.lastScalingAt = 0
        app.lastConfigChangeAt = 0
        return app
    }

    /// Marks a new version made at `now`.
    public mutating func stampVersion(_ now: Int64, configChanged: Bool) {
        version = now
        lastScalingAt = now
        if configChanged { lastConfigChangeAt = now }
    }

    /// The host ports a task needs: one per port definition.
    public var portCount: Int { portDefinitions.count }
}

/// Which tasks go first when an app scales down.
public enum KillSelection: String, Sendable, Codable, CaseIterable {
    case youngestFirst = "YOUNGEST_FIRST"
    case oldestFirst = "OLDEST_FIRST"
}

/// A file the agent fetches into the sandbox before the task starts (Mesos' CommandInfo.URI).
public struct FetchURI: Sendable, Equatable, Codable {
    public var uri: String
    public var executable = false
    public var extract = true
    public var cache = false
    public var outputFile: String?

    public init(uri: String) { self.uri = uri }

    enum CodingKeys: String, CodingKey { case uri, executable, extract, cache, outputFile }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        uri = try c.decode(String.self, forKey: .uri)
        executable = try c.decodeIfPresent(Bool.self, forKey: .executable) ?? false
        extract = try c.decodeIfPresent(Bool.self, forKey: .extract) ?? true
        cache = try c.decodeIfPresent(Bool.self, forKey: .cache) ?? false
        outputFile = try c.decodeIfPresent(String.self, forKey: .outputFile)
    }
}
