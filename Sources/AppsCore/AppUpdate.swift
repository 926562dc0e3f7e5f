/// An app's JSON as a user sends it: every field optional. `POST /v2/apps` applies it to
/// Marathon's defaults, `PUT` and `PATCH` to the app as it is (Marathon 1.x's partial
/// update); Apps' own store reads definitions back the same way.
public struct AppUpdate: Decodable, Sendable {
    public var id: String?
    public var cmd: String?
    public var args: [String]?
    public var user: String?
    public var env: [String: String]?
    public var instances: Int?
    public var cpus: Double?
    public var mem: Double?
    public var disk: Double?
    public var gpus: Int?
    public var executor: String?
    public var constraints: [[Scalarish]]?
    public var uris: [String]?
    public var fetch: [FetchURI]?
    public var ports: [Int]?
    public var portDefinitions: [PortDefinition]?
    public var requirePorts: Bool?
    public var backoffSeconds: Double?
    public var backoffFactor: Double?
    public var maxLaunchDelaySeconds: Double?
    public var healthChecks: [HealthCheck]?
    public var dependencies: [String]?
    public var upgradeStrategy: UpgradeStrategy?
    public var unreachableStrategy: UnreachableStrategy?
    public var killSelection: KillSelection?
    public var labels: [String: String]?
    public var acceptedResourceRoles: [String]?
    public var role: String?
    public var taskKillGracePeriodSeconds: Int?
    public var container: ContainerUpdate?
    public var version: String?
    public var versionInfo: VersionInfo?

    public init() {}

    public struct VersionInfo: Decodable, Sendable {
        public var lastScalingAt: String?
        public var lastConfigChangeAt: String?
    }

    /// Only a MESOS container without an image can run here; anything else is refused.
    public struct ContainerUpdate: Decodable, Sendable {
        public var type: String?
        public var docker: AnyJSON?
        public var volumes: [AnyJSON]?
        public var mesos: Mesos?

        public struct Mesos: Decodable, Sendable {
            public var image: AnyJSON?
        }

        /// True when this container asks for something Apps cannot run.
        public var needsImage: Bool {
            (type ?? "MESOS") != "MESOS" || docker != nil || mesos?.image != nil || !(volumes ?? []).isEmpty
        }
    }
}

/// A JSON string or number read as text: constraint values arrive as either.
public struct Scalarish: Decodable, Sendable, Equatable {
    public var text: String

    public init(_ text: String) { self.text = text }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if let text = try? c.decode(String.self) {
            self.text = text
        } else if let number = try? c.decode(Int.self) {
            self.text = String(number)
        } else {
            let number = try c.decode(Double.self)
            self.text = String(number)
        }
    }
}

/// Any JSON value, read only to be refused or passed over.
public struct AnyJSON: Decodable, Sendable {
    public init(from decoder: any Decoder) throws {
        if let c = try? decoder.container(keyedBy: AnyKey.self) {
            for key in c.allKeys { _ = try c.decode(AnyJSON.self, forKey: key) }
        } else if var c = try? decoder.unkeyedContainer() {
            while !c.isAtEnd { _ = try c.decode(AnyJSON.self) }
        } else {
            _ = try decoder.singleValueContainer()
        }
    }

    struct AnyKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }
}
